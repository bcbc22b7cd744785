"""Who sees a proposal: every lifecycle state × role × surface (docs/decisions.md, "Who sees a proposal").

A proposal becomes public when it is raised and stays public whatever happens next; one never raised
(a consultation-desk draft, also once withdrawn) is seen only by its proposers and its district office,
and by nobody in lists, search, the home page, similarity suggestions or oversight counts.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from pbcity.selectors import cycle_state_counts
from pbcity.tests.upload_samples import pdf_bytes
from proposals import selectors, services
from proposals.models import Proposal
from proposals.similarity import similar_proposals
from proposals.states import ConsentKind, State

from .lifecycle_helpers import PATH_TO, Cast

_R = PATH_TO[State.RAISED]
_PASSED = PATH_TO[State.ASSEMBLY_PASSED]
_ASSIGNED = PATH_TO[State.AGENCIES_ASSIGNED]
_EXECUTING = PATH_TO[State.IN_EXECUTION]
# Every state, reached through the real services; "merge" and "complete" are handled in _walk.
PATHS = {
    **{state.value: path for state, path in PATH_TO.items()},
    "withdrawn_as_draft": ["withdraw"],
    "withdrawn_after_raise": _R + ["withdraw"],
    State.ASSESSMENT_CLOSED.value: _ASSIGNED + ["take_into_assessment", "close_assessment"],
    State.EXCLUDED.value: _PASSED + ["exclude"],
    State.REVIEW_FAILED.value: PATH_TO[State.IN_WORKSHOP] + ["fail_review"],
    State.NOT_ADMITTED.value: PATH_TO[State.IN_VOTE] + ["reject_at_vote"],
    State.COMPLETED.value: _EXECUTING + ["complete"],
    State.MERGED.value: _R + ["merge"],
    State.CLOSED_EARLY.value: _EXECUTING + ["close_early"],
}
PRIVATE = {"draft", "withdrawn_as_draft"}  # never raised
ROLES = ("anonymous", "resident", "proposer", "district", "district_other", "committee", "councillor")
SEES_PRIVATE = {"proposer", "district"}
WORD = "zqxprobe"


def test_the_matrix_covers_every_state():
    reached = {State.WITHDRAWN.value if k.startswith("withdrawn") else k for k in PATHS}
    assert reached == set(State.values)


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""


def _walk(cast, cycle, key):
    path = PATHS[key]
    category = "traffic" if "take_into_assessment" in path else "parks"
    p = services.proposal_create(
        actor=cast["district"], cycle=cycle, district=cast.district, title=f"人行道遮陽棚 {WORD}",
        problem="夏天沒有遮蔭。", solution="增設遮陽棚。", category=category, proposers=[cast.proposer],
        as_draft=True,
    )
    attachment = services.attachment_add(proposal=p, actor=cast.proposer,
                                         upload=SimpleUploadedFile("計畫書.pdf", pdf_bytes()))
    for name in path:
        if name == "merge":
            into = services.proposal_create(
                actor=cast["district"], cycle=cycle, district=cast.district, title="合併目標",
                problem="一", solution="二", category=category, proposers=[cast["resident"]],
            )
            cast.consent(Proposal.objects.get(pk=p.pk), ConsentKind.MERGE)
            services.proposal_merge(proposal=Proposal.objects.get(pk=p.pk), into=into, actor=cast["district"],
                                    reason="相似提案")
        elif name == "complete":  # only tracking's final report completes (preauthorised)
            services.proposal_transition(proposal=Proposal.objects.get(pk=p.pk), actor=cast["lead"],
                                         transition_name="complete", reason="結案", preauthorised=True)
        else:
            cast.step(p, name, single_agency="agree_direct_execution" in path)
    return Proposal.objects.get(pk=p.pk), attachment


def _shows(response, pk) -> bool:
    assert response.status_code == 200
    return f'href="/proposals/{pk}/"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(PATHS))
def test_visibility_matrix(client, cast, cycle, key):
    p, attachment = _walk(cast, cycle, key)
    expected_state = State.WITHDRAWN if key.startswith("withdrawn") else key
    assert p.state == expected_state
    public = key not in PRIVATE

    wrong = []
    for who in ROLES:
        client.logout()
        if cast[who] is not None:
            client.force_login(cast[who])
        may_see = public or who in SEES_PRIVATE
        seen = {
            "page": client.get(f"/proposals/{p.pk}/").status_code == 200,
            "file": client.get(f"/proposals/{p.pk}/files/{attachment.pk}/").status_code == 200,
            "list": _shows(client.get("/proposals/"), p.pk),
            "search": _shows(client.get("/proposals/", {"q": WORD}), p.pk),
            "home": _shows(client.get("/"), p.pk),
        }
        expected = {"page": may_see, "file": may_see, "list": public, "search": public, "home": public}
        if who == "committee":  # the committee's audit page of the proposal
            seen["audit"] = client.get(f"/proposals/{p.pk}/audit/").status_code == 200
            expected["audit"] = public
        wrong += [f"{who} × {surface}: saw={seen[surface]} expected={expected[surface]}"
                  for surface in seen if seen[surface] != expected[surface]]
    assert not wrong, f"{key}: " + "; ".join(wrong)

    # Role-independent reads behind the assemblies' "similar proposals", councillors' oversight
    # and the home page's stage counts.
    found = [q.pk for q, _score in similar_proposals(district=cast.district, text=p.title)]
    assert (p.pk in found) is public
    stages = {s["state"]: s["n"] for s in selectors.district_oversight(district=cast.district)["stages"]}
    assert stages.get(p.state, 0) == (1 if public else 0)
    assert cycle_state_counts(cycle=cycle).get(p.state, 0) == (1 if public else 0)
    # The one rule, for one proposal and for a query, agree.
    assert p.is_public is public
    assert Proposal.objects.public().filter(pk=p.pk).exists() is public


@pytest.mark.django_db
def test_the_database_refuses_a_published_draft_or_an_unpublished_raised_proposal(cast, cycle):
    draft = cast.new_proposal(cycle)
    raised = cast.walk(cycle, State.RAISED)
    assert raised.published_at is not None and draft.published_at is None
    with pytest.raises(IntegrityError, match="proposal_draft_unpublished"), transaction.atomic():
        Proposal.objects.filter(pk=draft.pk).update(published_at=raised.published_at)
    with pytest.raises(IntegrityError, match="proposal_raised_published"), transaction.atomic():
        Proposal.objects.filter(pk=raised.pk).update(published_at=None)


@pytest.mark.django_db
def test_a_withdrawn_draft_stays_private_for_its_proposer_in_my_proposals(client, cast, cycle):
    p, _ = _walk(cast, cycle, "withdrawn_as_draft")
    client.force_login(cast.proposer)
    assert _shows(client.get("/proposals/mine/"), p.pk)


@pytest.mark.django_db
def test_the_migration_publishes_what_was_ever_raised_and_nothing_else(cast, cycle):
    import importlib

    from django.apps import apps

    from proposals.models import TransitionLog

    backfill = importlib.import_module("proposals.migrations.0004_proposal_published_at").backfill
    as_draft, _ = _walk(cast, cycle, "withdrawn_as_draft")
    after_raise, _ = _walk(cast, cycle, "withdrawn_after_raise")
    admitted = cast.walk(cycle, State.ADMITTED)
    Proposal.objects.filter(pk__in=[as_draft.pk, after_raise.pk]).update(published_at=None)  # as before 0004
    backfill(apps, None)
    raised_at = TransitionLog.objects.get(proposal=after_raise, transition="raise_proposal").created_at
    assert Proposal.objects.get(pk=after_raise.pk).published_at == raised_at
    assert Proposal.objects.get(pk=as_draft.pk).published_at is None
    assert Proposal.objects.get(pk=admitted.pk).published_at is not None
