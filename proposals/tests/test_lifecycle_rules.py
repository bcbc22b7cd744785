"""The lifecycle's guard rails: protected state, audit entries, conditions, reasons, append-only logs."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from proposals import services
from proposals.models import Consent, Proposal, TransitionLog
from proposals.states import ConsentKind, State

from .lifecycle_helpers import Cast, side_track_evidence


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.mark.django_db
def test_state_cannot_be_assigned_directly(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    with pytest.raises(AttributeError):
        p.state = State.ADMITTED
    with pytest.raises(PermissionError):
        Proposal.objects.filter(pk=p.pk).update(state=State.ADMITTED)
    p.refresh_from_db()
    assert p.state == State.RAISED


@pytest.mark.django_db
def test_transition_writes_log_and_history_with_the_actor(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    office = cast["district"]
    services.proposal_transition(proposal=p, actor=office, transition_name="pass_assembly", reason="過半數且前二")
    log = TransitionLog.objects.filter(proposal=p).latest("id")
    assert (log.actor, log.from_state, log.to_state, log.reason) == (
        office, State.RAISED, State.ASSEMBLY_PASSED, "過半數且前二"
    )
    latest = p.history.latest()
    assert latest.state == State.ASSEMBLY_PASSED
    assert latest.history_user == office
    assert latest.history_change_reason == "過半數且前二"


@pytest.mark.django_db
def test_transition_from_the_wrong_state_is_refused_with_a_clear_error(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    with pytest.raises(ValidationError) as err:
        services.proposal_transition(proposal=p, actor=cast["civil"], transition_name="admit", reason="x")
    assert "not possible" in str(err.value) or "無法" in str(err.value)
    p.refresh_from_db()
    assert p.state == State.RAISED
    assert not TransitionLog.objects.filter(proposal=p, transition="admit").exists()


@pytest.mark.django_db
def test_unknown_transition_name_is_refused(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    with pytest.raises(ValidationError, match="未知的操作"):
        services.proposal_transition(proposal=p, actor=cast["district"], transition_name="delete", reason="x")


@pytest.mark.django_db
def test_reason_is_required(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    with pytest.raises(ValidationError, match="請填寫理由；理由會公開保存"):
        services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly", reason="  ")
    p.refresh_from_db()
    assert p.state == State.RAISED


@pytest.mark.django_db
def test_direct_execution_needs_every_proposers_consent_and_a_single_agency(cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)  # has a co-agency, no consent
    lead = cast["lead"]
    with pytest.raises(ValidationError) as err:
        services.proposal_transition(proposal=p, actor=lead, transition_name="agree_direct_execution", reason="x")
    assert len(err.value.messages) == 3  # co-agency, consent, lead agency's budget statement
    p.co_agencies.clear()
    pp = p.proposers.get()
    services.consent_record(proposer=pp, kind=ConsentKind.DIRECT_EXECUTION, given=True, actor=cast.proposer)
    services.consent_record(proposer=pp, kind=ConsentKind.DIRECT_EXECUTION, given=False, actor=cast.proposer)
    with pytest.raises(ValidationError, match="須每位提案人同意逕予執行"):  # the latest word is "no"
        services.proposal_transition(proposal=p, actor=lead, transition_name="agree_direct_execution", reason="x")
    services.consent_record(proposer=pp, kind=ConsentKind.DIRECT_EXECUTION, given=True, actor=cast.proposer)
    side_track_evidence(p, "agree_direct_execution", lead)
    services.proposal_transition(proposal=p, actor=lead, transition_name="agree_direct_execution", reason="單純案件")
    p.refresh_from_db()
    assert p.state == State.DIRECT_EXECUTION
    assert Consent.objects.filter(proposer=pp).count() == 3  # every consent record is kept


@pytest.mark.django_db
def test_assessment_only_for_its_categories(cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED, category="parks")
    cast.consent(p, ConsentKind.ASSESSMENT)
    with pytest.raises(ValidationError, match="僅交通管理、閒置空間規劃及環境彩繪美化類提案可交由評估處理"):
        services.proposal_transition(proposal=p, actor=cast["lead"], transition_name="take_into_assessment", reason="x")


@pytest.mark.django_db
def test_merge_needs_consent_and_a_survivor_of_the_same_district(cast, cycle, other_district):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    survivor = cast.walk(cycle, State.ASSEMBLY_PASSED)
    office = cast["district"]
    with pytest.raises(ValidationError, match="須每位提案人同意併案"):
        services.proposal_merge(proposal=p, into=survivor, actor=office, reason="相似")
    cast.consent(p, ConsentKind.MERGE)
    with pytest.raises(ValidationError, match="併入的提案須為同年度、同行政區且仍在進行中的另一件提案"):
        services.proposal_merge(proposal=p, into=p, actor=office, reason="自己")
    services.proposal_merge(proposal=p, into=survivor, actor=office, reason="相似提案")
    p.refresh_from_db()
    assert (p.state, p.merged_into_id) == (State.MERGED, survivor.pk)


@pytest.mark.django_db
def test_designation_requires_the_district_office_of_that_district(cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    with pytest.raises(PermissionDenied):
        services.proposal_designate_agencies(
            proposal=p, actor=cast["district_other"], lead=cast.lead_agency, reason="x"
        )
    p.refresh_from_db()
    assert p.lead_agency_id is None and p.state == State.ASSEMBLY_PASSED


@pytest.mark.django_db
def test_revisions_are_all_kept(cast, cycle):
    p = cast.walk(cycle, State.IN_WORKSHOP)
    services.proposal_revise(proposal=p, actor=cast["lead"], note="工作坊建議縮小範圍", estimated_cost=300000)
    services.proposal_revise(proposal=p, actor=cast["district"], note="修正地點", location="大安森林公園南側")
    assert list(p.revisions.values_list("number", "estimated_cost")) == [(1, None), (2, 300000), (3, 300000)]
    with pytest.raises(ValidationError, match="內容沒有變更"):
        services.proposal_revise(proposal=p, actor=cast["district"], note="沒改", location="大安森林公園南側")
    with pytest.raises(PermissionDenied):
        services.proposal_revise(proposal=p, actor=cast["resident"], note="x", title="亂改")


@pytest.mark.django_db
def test_transition_log_is_append_only(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    log = TransitionLog.objects.filter(proposal=p).first()
    log.reason = "竄改"
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()
    with pytest.raises(PermissionError):
        TransitionLog.objects.filter(pk=log.pk).update(reason="竄改")


@pytest.mark.django_db
def test_database_refuses_tampering_with_the_audit_tables(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    for sql in (
        "UPDATE proposals_transitionlog SET reason = 'x'",
        "DELETE FROM proposals_transitionlog",
        "UPDATE proposals_historicalproposal SET state = 'admitted'",
    ):
        # The runtime role may not even try (docs/security.md); the owner meets the trigger (pbcity tests).
        with pytest.raises(DatabaseError, match="append-only|permission denied"), transaction.atomic(), \
                connection.cursor() as cur:
            cur.execute(sql)
    assert TransitionLog.objects.filter(proposal=p).exists()


@pytest.mark.django_db
def test_admin_cannot_move_or_delete_a_proposal(client, cast, cycle):
    from allauth.mfa.totp.internal.auth import TOTP

    from pbcity.tests.factories import TOTP_SECRET, UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, TOTP_SECRET)  # the admin requires TOTP (test_security_admin)
    client.force_login(admin)
    p = cast.walk(cycle, State.RAISED)
    url = f"/admin/proposals/proposal/{p.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200 and 'name="state"' not in form.content.decode()
    client.post(url, {
        "cycle": cycle.pk, "district": p.district_id, "track": "district", "title": p.title,
        "problem": p.problem, "solution": p.solution, "category": "parks", "state": State.ADMITTED,
    })
    p.refresh_from_db()
    assert p.state == State.RAISED
    assert client.get(f"/admin/proposals/proposal/{p.pk}/delete/").status_code == 403
    # Reverting to the first historical record (a draft) is refused; the state stays where it was.
    first = p.history.earliest()
    refused = client.post(f"/admin/proposals/proposal/{p.pk}/history/{first.history_id}/", {
        "cycle": cycle.pk, "district": p.district_id, "track": "district", "title": "回復舊版",
        "problem": p.problem, "solution": p.solution, "category": "parks",
    })
    assert refused.status_code == 403
    p.refresh_from_db()
    assert p.state == State.RAISED and p.title != "回復舊版"


@pytest.mark.django_db
def test_every_history_entry_names_who_and_why(cast, cycle):
    p = cast.walk(cycle, State.IN_WORKSHOP)  # includes designation with a co-agency (an m2m change)
    records = list(p.history.all())
    assert len(records) >= 5
    assert all(r.history_user_id for r in records)
    assert all(r.history_change_reason for r in records)
