"""Every transition × every role: who is allowed, who is refused, with scope and MFA rules."""
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from proposals import services
from proposals.models import Proposal, TransitionLog
from proposals.states import ConsentKind, State

from .lifecycle_helpers import SIDE_TRACK_EVIDENCE, Cast, side_track_evidence

# transition → (state it starts from, who may do it). Everyone else in Cast is refused.
MATRIX = {
    "raise_proposal": (State.DRAFT, {"district"}),
    "pass_assembly": (State.RAISED, {"district"}),
    "reject_at_assembly": (State.RAISED, {"district"}),
    "designate_agencies": (State.ASSEMBLY_PASSED, {"district"}),
    "agree_direct_execution": (State.AGENCIES_ASSIGNED, {"lead"}),
    "take_into_assessment": (State.AGENCIES_ASSIGNED, {"lead"}),
    "exclude": (State.AGENCIES_ASSIGNED, {"district", "civil"}),
    "send_to_workshop": (State.AGENCIES_ASSIGNED, {"district"}),
    "execute_after_assessment": (State.IN_ASSESSMENT, {"lead"}),
    "close_assessment": (State.IN_ASSESSMENT, {"lead"}),
    "pass_review": (State.IN_WORKSHOP, set()),  # only the review panel's close (deliberation)
    "fail_review": (State.IN_WORKSHOP, set()),
    "open_exhibition": (State.REVIEW_PASSED, {"civil"}),
    "open_vote": (State.ON_EXHIBITION, set()),  # only opening the round (voting)
    "admit": (State.IN_VOTE, set()),  # only the round's tally (voting)
    "reject_at_vote": (State.IN_VOTE, set()),
    "notify_agencies": (State.ADMITTED, {"civil"}),
    "start_execution": (State.BUDGETING, {"lead"}),
    "complete": (State.IN_EXECUTION, set()),  # only the published final report (tracking)
    "close_early": (State.IN_EXECUTION, set()),  # only the committee's approval of a consented closure (tracking)
    "merge": (State.ASSEMBLY_PASSED, {"district"}),
}
# Withdrawal depends on the stage: proposers and civil affairs before execution; during it nobody by hand,
# only the committee's approval of a withdrawal the proposers consented to (tracking.services.closure_decide).
WITHDRAW = {
    State.RAISED: {"proposer", "civil"},
    State.IN_VOTE: {"proposer", "civil"},
    State.IN_EXECUTION: set(),
}


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def _attempt(cast, cycle, proposal, name, actor):
    """Run the transition as `actor`; report whether it was allowed. Rolled back either way."""
    sid = transaction.savepoint()
    try:
        if name == "designate_agencies":
            services.proposal_designate_agencies(
                proposal=proposal, actor=actor, lead=cast.lead_agency, co_agencies=[], reason="r"
            )
        elif name == "merge":
            survivor = cast.walk(cycle, State.ASSEMBLY_PASSED)
            cast.consent(proposal, ConsentKind.MERGE)
            services.proposal_merge(proposal=proposal, into=survivor, actor=actor, reason="r")
        else:
            services.proposal_transition(proposal=proposal, actor=actor, transition_name=name, reason="r")
        allowed = True
    except PermissionDenied:
        allowed = False
    transaction.savepoint_rollback(sid)
    return allowed


def _prepare(cast, proposal, name):
    if name == "agree_direct_execution":
        proposal.co_agencies.clear()
        cast.consent(proposal, ConsentKind.DIRECT_EXECUTION)
    if name == "take_into_assessment":
        cast.consent(proposal, ConsentKind.ASSESSMENT)
    if name in SIDE_TRACK_EVIDENCE:
        side_track_evidence(proposal, name, cast["district"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_transition_matrix(cast, cycle, name):
    source, expected = MATRIX[name]
    category = "traffic" if name == "take_into_assessment" else None
    proposal = cast.walk(cycle, source, category=category)
    _prepare(cast, proposal, name)
    allowed = {
        key for key, actor in cast.people.items()
        if _attempt(cast, cycle, Proposal.objects.get(pk=proposal.pk), name, actor)
    }
    assert allowed == expected
    # Refusals and rollbacks left the proposal where it was.
    assert Proposal.objects.get(pk=proposal.pk).state == source


@pytest.mark.django_db
@pytest.mark.parametrize("source", sorted(WITHDRAW))
def test_withdraw_matrix(cast, cycle, source):
    proposal = cast.walk(cycle, source)
    allowed = {
        key for key, actor in cast.people.items()
        if _attempt(cast, cycle, Proposal.objects.get(pk=proposal.pk), "withdraw", actor)
    }
    assert allowed == WITHDRAW[source]


@pytest.mark.django_db
def test_refused_actor_changes_nothing_and_logs_nothing(cast, cycle):
    proposal = cast.walk(cycle, State.RAISED)
    logs = TransitionLog.objects.count()
    history = proposal.history.count()
    with pytest.raises(PermissionDenied):
        services.proposal_transition(
            proposal=proposal, actor=cast["district_other"], transition_name="pass_assembly", reason="越區操作"
        )
    proposal.refresh_from_db()
    assert proposal.state == State.RAISED
    assert TransitionLog.objects.count() == logs
    assert proposal.history.count() == history


def test_matrix_covers_every_transition():
    from proposals.lifecycle import ALL_TRANSITIONS

    assert set(MATRIX) | {"withdraw"} == set(ALL_TRANSITIONS)
