"""The proposers' sign-off and the committee's decisions: lifecycle, deadline, guards, races and tampering."""
import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pbcity import agenda
from pbcity.tests.factories import UserFactory
from proposals.models import ProposalProposer
from proposals.states import State
from tracking import rules, services
from tracking.models import BudgetFigure, ChangeAnswer, ChangeRequest, CommitteeNote, Milestone

from .factories import state_of

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _past_deadline(req):
    """The proposers' time to answer has run out (as if `signoff_days` had passed)."""
    ChangeRequest.objects.filter(pk=req.pk).update(answer_due=timezone.localdate() - datetime.timedelta(days=1))


def _date_change(cast, project, days=30):
    m = cast.milestone(project)
    return m, services.change_propose(project=project, actor=cast["lead"], kind="milestone", milestone=m,
                                      new_planned_end=m.planned_end + datetime.timedelta(days=days),
                                      reason="用地協調延宕，完工日須延後")


def _closure(cast, project, kind="close"):
    return services.change_propose(project=project, actor=cast["lead"], kind=kind, reason="里民反對，協調後提早結案")


# -- milestone changes -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_agreed_date_change_is_applied_and_kept_in_the_history(cast, cycle):
    project = cast.executing(cycle)
    m, req = _date_change(cast, project)
    old_end = m.planned_end
    assert Milestone.objects.get(pk=m.pk).planned_end == old_end  # waits for the proposer
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    req.refresh_from_db()
    assert req.status == "applied"
    assert Milestone.objects.get(pk=m.pk).planned_end == old_end + datetime.timedelta(days=30)
    assert f"#{req.pk}" in Milestone.objects.get(pk=m.pk).history.latest().history_change_reason


@pytest.mark.django_db
def test_disputed_milestone_change_reaches_the_committees_agenda_and_its_decision_applies_it(cast, cycle):
    project = cast.executing(cycle)
    m, req = _date_change(cast, project)
    assert not [c for c in agenda.waiting() if c.source == "tracking.change"]
    services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="延後太久，里民等不及")
    req.refresh_from_db()
    assert req.status == "disputed"
    waiting = [c for c in agenda.waiting(cycle=cycle) if c.source == "tracking.change"]
    assert [(c.ref, c.project_id, c.district_id) for c in waiting] == [(str(req.pk), project.pk, cast.district.pk)]
    agenda.source("tracking.change").decide(ref=str(req.pk), decision="approve", reason="協調後同意延後一個月",
                                            by=cast["committee"], meeting_item_id=7)
    req.refresh_from_db()
    assert (req.status, req.decision, req.meeting_item_id) == ("applied", "approve", 7)
    assert Milestone.objects.get(pk=m.pk).planned_end == m.planned_end + datetime.timedelta(days=30)
    assert not [c for c in agenda.waiting() if c.source == "tracking.change"]


@pytest.mark.django_db
def test_committee_may_return_a_disputed_change_to_the_agency_and_nothing_changes(cast, cycle):
    project = cast.executing(cycle)
    m, req = _date_change(cast, project)
    services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="不同意")
    services.change_decide(ref=str(req.pk), decision="return", reason="請機關與提案人再溝通",
                           by=cast["committee"], meeting_item_id=3)
    req.refresh_from_db()
    assert req.status == "returned"
    assert Milestone.objects.get(pk=m.pk).planned_end == m.planned_end
    with pytest.raises(ValidationError, match="Only a disputed change"):
        services.change_decide(ref=str(req.pk), decision="approve", reason="r", by=cast["committee"],
                               meeting_item_id=4)


@pytest.mark.django_db
def test_committee_decision_needs_a_meeting_item_and_a_committee_member(cast, cycle):
    project = cast.executing(cycle)
    _m, req = _date_change(cast, project)
    services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="不同意")
    with pytest.raises(ValidationError, match="at a meeting"):
        services.change_decide(ref=str(req.pk), decision="approve", reason="r", by=cast["committee"],
                               meeting_item_id=None)
    with pytest.raises(PermissionDenied, match="Only the committee"):
        services.change_decide(ref=str(req.pk), decision="approve", reason="r", by=cast["civil"], meeting_item_id=1)
    with pytest.raises(ValidationError, match="Unknown decision"):
        services.change_decide(ref=str(req.pk), decision="maybe", reason="r", by=cast["committee"],
                               meeting_item_id=1)


@pytest.mark.django_db
def test_disagreeing_needs_a_reason(cast, cycle):
    project = cast.executing(cycle)
    _m, req = _date_change(cast, project)
    with pytest.raises(ValidationError, match="why you disagree"):
        services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="  ")
    assert not ChangeAnswer.objects.exists()


@pytest.mark.django_db
def test_a_proposer_answers_once(cast, cycle):
    project = cast.executing(cycle)
    ProposalProposer.objects.create(proposal=project.proposal, name="里民甲", contact="02-1234")
    _m, req = _date_change(cast, project)
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    with pytest.raises(ValidationError, match="already answered"):
        services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="改變主意")


@pytest.mark.django_db
def test_agency_cannot_move_a_milestone_date_or_scope_without_the_sign_off(cast, cycle):
    project = cast.executing(cycle)
    m = cast.milestone(project)
    with pytest.raises(ValidationError, match="sign-off"):
        services.milestone_update(milestone=m, actor=cast["lead"], reason="延後",
                                  planned_end=m.planned_end + datetime.timedelta(days=9))
    with pytest.raises(ValidationError, match="sign-off"):
        services.milestone_update(milestone=m, actor=cast["lead"], reason="改名", title="縮小範圍")
    csv = f"title,planned_end\n{m.title},{(m.planned_end + datetime.timedelta(days=9)).isoformat()}\n".encode()
    with pytest.raises(ValidationError, match="sign-off"):
        services.milestones_import(project=project, actor=cast["lead"], data=csv, reason="匯入")
    services.milestone_update(milestone=m, actor=cast["lead"], reason="進度", percent=40,
                              planned_end=m.planned_end)  # unchanged date: an ordinary update
    assert Milestone.objects.get(pk=m.pk).percent == 40


# -- all proposers of a merged proposal, and the district office after the deadline ----------------------------

@pytest.mark.django_db
def test_every_proposer_of_a_merged_proposal_must_agree(cast, cycle):
    from proposals import services as proposal_services
    from proposals.states import ConsentKind
    from proposals.tests.lifecycle_helpers import PATH_TO

    survivor = cast.walk(cycle, State.ASSEMBLY_PASSED)
    other = UserFactory(name="併案提案人")
    merged = proposal_services.proposal_create(
        actor=cast["district"], cycle=cycle, district=cast.district, title="公園遮陽", problem="p", solution="s",
        category="parks", proposers=[other])
    proposal_services.proposal_transition(proposal=merged, actor=cast["district"], transition_name="pass_assembly",
                                          reason="r")
    proposal_services.consent_record(proposer=merged.proposers.get(), kind=ConsentKind.MERGE, given=True, actor=other)
    proposal_services.proposal_merge(proposal=merged, into=survivor, actor=cast["district"], reason="併案")
    for name in PATH_TO[State.IN_EXECUTION][len(PATH_TO[State.ASSEMBLY_PASSED]):]:
        cast.step(survivor, name)
    from tracking.models import Project

    project = Project.objects.get(proposal=survivor)
    _m, req = _date_change(cast, project)
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    assert refresh_req(req).status == "pending"  # the merged proposal's proposer answers too
    services.change_answer(request=req, actor=other, agrees=True)
    assert refresh_req(req).status == "applied"


def refresh_req(req):
    return ChangeRequest.objects.get(pk=req.pk)


@pytest.mark.django_db
def test_district_office_answers_for_an_unreachable_proposer_only_after_the_deadline(cast, cycle):
    project = cast.executing(cycle)
    walk_in = ProposalProposer.objects.create(proposal=project.proposal, name="里民乙", contact="02-5678")
    _m, req = _date_change(cast, project)
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    with pytest.raises(ValidationError, match="only after the deadline"):
        services.change_answer(request=req, actor=cast["district"], proposer=walk_in, agrees=True,
                               reason="電話三次未接")
    _past_deadline(req)
    with pytest.raises(ValidationError, match="how you tried to reach"):
        services.change_answer(request=req, actor=cast["district"], proposer=walk_in, agrees=True, reason="")
    with pytest.raises(PermissionDenied):
        services.change_answer(request=req, actor=cast["district_other"], proposer=walk_in, agrees=True,
                               reason="電話未接")
    ans = services.change_answer(request=req, actor=cast["district"], proposer=walk_in, agrees=True,
                                 reason="電話三次、掛號信皆未回覆")
    assert ans.by_office and ans.answered_by == cast["district"]
    assert refresh_req(req).status == "applied"


def test_office_may_answer_rule_excludes_the_deadline_day_itself():
    assert not rules.office_may_answer(today=TODAY, answer_due=TODAY)
    assert rules.office_may_answer(today=TODAY + datetime.timedelta(days=1), answer_due=TODAY)


def test_signoff_outcome_rule():
    assert rules.signoff_outcome(answers=[], proposers=2) == "pending"
    assert rules.signoff_outcome(answers=[True], proposers=2) == "pending"
    assert rules.signoff_outcome(answers=[True, False], proposers=3) == "disputed"
    assert rules.signoff_outcome(answers=[True, True], proposers=2) == "agreed"
    assert rules.signoff_outcome(answers=[], proposers=0) == "pending"


def test_budget_rule_compares_with_the_cycle_limit():
    assert not rules.budget_change_needs_signoff(current=None, new=500, limit_percent=10)
    assert not rules.budget_change_needs_signoff(current=1000, new=1100, limit_percent=10)
    assert rules.budget_change_needs_signoff(current=1000, new=1101, limit_percent=10)
    assert rules.budget_change_needs_signoff(current=1000, new=899, limit_percent=10)
    assert rules.budget_change_needs_signoff(current=0, new=1, limit_percent=10)


# -- budget -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_budget_change_beyond_the_variance_limit_waits_for_the_proposers(cast, cycle):
    project = cast.project(cycle, State.DIRECT_EXECUTION)  # this year's budget: the lead agency records it
    services.budget_figure_record(project=project, actor=cast["lead"], kind="approved", amount=1_000_000, as_of=TODAY)
    services.budget_figure_record(project=project, actor=cast["lead"], kind="approved", amount=1_050_000, as_of=TODAY)
    with pytest.raises(ValidationError, match="variance limit"):
        services.budget_figure_record(project=project, actor=cast["lead"], kind="approved", amount=1_500_000,
                                      as_of=TODAY)
    with pytest.raises(ValidationError, match="within the cycle's variance limit"):
        services.change_propose(project=project, actor=cast["lead"], kind="budget", new_amount=1_100_000,
                                reason="r")
    req = services.change_propose(project=project, actor=cast["lead"], kind="budget", new_amount=1_500_000,
                                  reason="物價上漲，追加預算")
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    latest = project.budget_figures.filter(kind="approved").order_by("-recorded_at", "-id").first()
    assert latest.amount == 1_500_000 and f"#{req.pk}" in latest.note
    assert BudgetFigure.objects.filter(project=project, kind="approved").count() == 3


# -- closure and withdrawal -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_closure_is_refused_without_the_proposers_consent(cast, cycle):
    project = cast.executing(cycle)
    req = _closure(cast, project)
    with pytest.raises(ValidationError, match="every proposer's consent"):
        services.closure_decide(ref=str(req.pk), decision="approve", reason="同意", by=cast["committee"],
                                meeting_item_id=1)
    services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="仍希望完成")
    assert [c.ref for c in agenda.waiting() if c.source == "tracking.closure"] == [str(req.pk)]
    with pytest.raises(ValidationError, match="every proposer's consent"):
        services.closure_decide(ref=str(req.pk), decision="approve", reason="同意", by=cast["committee"],
                                meeting_item_id=1)
    assert state_of(project) == State.IN_EXECUTION
    services.closure_decide(ref=str(req.pk), decision="reject", reason="請繼續執行", by=cast["committee"],
                            meeting_item_id=1)
    assert refresh_req(req).status == "rejected" and state_of(project) == State.IN_EXECUTION


@pytest.mark.django_db
def test_closure_is_refused_without_the_committees_decision(cast, cycle):
    """Consent alone closes nothing; no other path closes or withdraws a project in execution."""
    project = cast.executing(cycle)
    req = _closure(cast, project)
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    assert refresh_req(req).status == "consented" and state_of(project) == State.IN_EXECUTION
    for who in ("lead", "civil", "committee", "district", "proposer"):
        for name in ("close_early", "withdraw"):
            with pytest.raises((PermissionDenied, ValidationError)):
                services.project_transition(project=project, actor=cast[who], transition_name=name, reason="r")
            from proposals import services as proposal_services
            with pytest.raises(PermissionDenied):
                proposal_services.proposal_transition(proposal=project.proposal, actor=cast[who],
                                                      transition_name=name, reason="r")
    assert state_of(project) == State.IN_EXECUTION
    with pytest.raises(ValidationError, match="at a meeting"):
        services.closure_decide(ref=str(req.pk), decision="approve", reason="同意", by=cast["committee"],
                                meeting_item_id="1")
    agenda.source("tracking.closure").decide(ref=str(req.pk), decision="approve", reason="公參會參與預算組同意結案",
                                             by=cast["committee"], meeting_item_id=12)
    assert state_of(project) == State.CLOSED_EARLY
    req = refresh_req(req)
    assert (req.status, req.meeting_item_id, req.decided_by) == ("applied", 12, cast["committee"])
    log = project.proposal.transitions.get(transition="close_early")
    assert log.actor == cast["committee"] and str(log.reason) == "公參會參與預算組同意結案"


@pytest.mark.django_db
def test_withdrawal_with_an_office_answer_after_the_deadline(cast, cycle):
    project = cast.executing(cycle)
    walk_in = ProposalProposer.objects.create(proposal=project.proposal, name="里民丙", contact="02-0000")
    req = _closure(cast, project, kind="withdraw")
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    _past_deadline(req)
    services.change_answer(request=req, actor=cast["district"], proposer=walk_in, agrees=True, reason="多次聯繫未果")
    services.closure_decide(ref=str(req.pk), decision="approve", reason="同意撤案", by=cast["committee"],
                            meeting_item_id=2)
    assert state_of(project) == State.WITHDRAWN


@pytest.mark.django_db
def test_only_one_open_closure_request_at_a_time(cast, cycle):
    project = cast.executing(cycle)
    _closure(cast, project)
    with pytest.raises(ValidationError, match="already waiting"):
        _closure(cast, project, kind="withdraw")


@pytest.mark.django_db(transaction=True)
def test_two_agencies_racing_for_the_same_milestone_change_get_one_request(cast, cycle):
    """The partial unique index, not the Python check, holds under a race."""
    project = cast.executing(cycle)
    m = cast.milestone(project)
    errors, made = [], []

    def propose(days):
        try:
            made.append(services.change_propose(project=project, actor=cast["lead"], kind="milestone", milestone=m,
                                                new_planned_end=m.planned_end + datetime.timedelta(days=days),
                                                reason="延後"))
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(d,)) for d in (10, 20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(made) == 1 and len(errors) == 1
    assert ChangeRequest.objects.filter(milestone=m).count() == 1


@pytest.mark.django_db
def test_database_refuses_a_second_open_request_and_a_disagreement_without_reason(cast, cycle):
    project = cast.executing(cycle)
    m, req = _date_change(cast, project)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(project=project, kind="milestone", milestone=m, new_title="x", reason="r",
                                     proposed_by=cast["lead"], answer_due=TODAY)
    pp = project.proposal.proposers.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeAnswer.objects.create(request=req, proposer=pp, agrees=False, reason="", answered_by=cast.proposer)


@pytest.mark.django_db
def test_answers_are_append_only_in_the_database(cast, cycle):
    project = cast.executing(cycle)
    _m, req = _date_change(cast, project)
    ans = services.change_answer(request=req, actor=cast.proposer, agrees=False, reason="不同意延後")
    with pytest.raises(Exception, match="(?i)append-only|not allowed|permission denied"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE tracking_changeanswer SET agrees = true WHERE id = %s", [ans.pk])
    assert ChangeAnswer.objects.get(pk=ans.pk).agrees is False


# -- the other agenda sources ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_open_difficulty_is_on_the_agenda_and_the_decision_becomes_its_record(cast, cycle):
    project = cast.executing(cycle)
    d = services.difficulty_raise(project=project, actor=cast["lead"], kind="difficulty", summary="管線遷移",
                                  details="台電管線需遷移")
    assert str(d.pk) in [c.ref for c in agenda.waiting() if c.source == "tracking.difficulty"]
    services.difficulty_decide(ref=str(d.pk), decision="resolve", reason="台電同意配合遷移", by=cast["committee"],
                               meeting_item_id=5, agencies=[project.lead_agency])
    d.refresh_from_db()
    rec = d.records.get()
    assert d.resolved_at is not None and rec.kind == "outcome" and "#5" in rec.text
    assert str(d.pk) not in [c.ref for c in agenda.waiting() if c.source == "tracking.difficulty"]


@pytest.mark.django_db
def test_red_flag_leaves_the_agenda_once_decided(cast, cycle):
    project = cast.executing(cycle)
    cast.milestone(project, planned_end=TODAY - datetime.timedelta(days=5))  # delayed
    refs = [c.ref for c in agenda.waiting() if c.source == "tracking.flag"]
    assert f"{project.pk}:delayed" in refs
    with pytest.raises(ValidationError, match="followed up"):
        services.flag_decide(ref=f"{project.pk}:delayed", decision="follow_up", reason="r", by=cast["committee"],
                             meeting_item_id=1)
    services.flag_decide(ref=f"{project.pk}:delayed", decision="follow_up", reason="請於下次會議報告",
                         by=cast["committee"], meeting_item_id=1, due=TODAY + datetime.timedelta(days=30))
    assert CommitteeNote.objects.get().due == TODAY + datetime.timedelta(days=30)
    assert f"{project.pk}:delayed" not in [c.ref for c in agenda.waiting() if c.source == "tracking.flag"]


@pytest.mark.django_db
def test_overdue_quarterly_report_is_on_the_agenda(cast, cycle, monkeypatch):
    from tracking import agenda as tracking_agenda

    project = cast.executing(cycle)
    from tracking.models import Project

    Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    late = rules.quarter_bounds(rules.quarter_reported_on(TODAY))[1] + datetime.timedelta(days=40)
    refs = [c.ref for c in tracking_agenda.reports_overdue(today=late)]
    quarter = rules.quarter_reported_on(late)
    assert refs == [f"{project.pk}:{quarter}"]
    services.report_overdue_decide(ref=refs[0], decision="noted", reason="已催告機關", by=cast["committee"],
                                   meeting_item_id=9)
    assert list(tracking_agenda.reports_overdue(today=late)) == []


@pytest.mark.django_db
def test_agenda_queries_do_not_grow_with_the_projects(cast, cycle, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = cast.executing(cycle)
    cast.milestone(first, planned_end=TODAY - datetime.timedelta(days=5))
    with CaptureQueriesContext(connection) as one:
        assert agenda.waiting()
    for _ in range(2):
        p = cast.executing(cycle)
        cast.milestone(p, planned_end=TODAY - datetime.timedelta(days=5))
        _closure(cast, p)
        services.difficulty_raise(project=p, actor=cast["lead"], kind="difficulty", summary="s", details="d")
    with django_assert_max_num_queries(len(one) + 2):  # knobs for a cycle met once more at most
        assert len(agenda.waiting()) > 3
