"""Side tracks: each condition, the records they leave, overdue assessments, exclusion categories."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deliberation import selectors, services
from deliberation.models import AssessmentReport, DirectExecutionStatement, ExclusionRecord
from deliberation.rules import sidetracks as rules
from pbcity.tests.factories import CycleFactory
from proposals import services as proposal_services
from proposals.models import Proposal, TransitionLog
from proposals.states import ConsentKind, State

from .premeeting_fixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# -- pure rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("today, reported, overdue", [
    (datetime.date(2026, 8, 30), False, False),
    (datetime.date(2026, 8, 31), False, False),  # the due day itself is on time
    (datetime.date(2026, 9, 1), False, True),
    (datetime.date(2027, 1, 15), False, True),
    (datetime.date(2026, 9, 1), True, False),
    (datetime.date(2025, 12, 31), False, False),  # before the cycle's year
])
def test_assessment_overdue(today, reported, overdue):
    assert rules.assessment_overdue(cycle_year=2026, today=today, reported=reported) is overdue


def test_assessment_due_date():
    assert rules.assessment_due_date(2026) == datetime.date(2026, 8, 31)


@pytest.mark.parametrize("budget, finish, ok", [(True, True, True), (True, False, False), (False, True, False),
                                                (False, False, False)])
def test_direct_execution_statement_needs_both(budget, finish, ok):
    assert rules.direct_execution_statement_ok(budget_covers=budget, finishable_this_year=finish) is ok


# -- direct execution ---------------------------------------------------------------------

@pytest.fixture
def single(cast, cycle):
    """Designated to the lead agency alone, every proposer consenting."""
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    p.co_agencies.clear()
    cast.consent(p, ConsentKind.DIRECT_EXECUTION)
    return Proposal.objects.get(pk=p.pk)


def test_direct_execution_without_the_statement_is_refused_by_the_lifecycle(cast, single):
    with pytest.raises(ValidationError) as err:
        proposal_services.proposal_transition(proposal=single, actor=cast["lead"],
                                              transition_name="agree_direct_execution", reason="x")
    assert any("budget" in m for m in err.value.messages)
    assert Proposal.objects.get(pk=single.pk).state == State.AGENCIES_ASSIGNED


def test_direct_execution_with_the_statement(cast, single):
    p = services.direct_execution_agree(proposal=single, actor=cast["lead"], budget_covers=True,
                                        finishable_this_year=True, budget_line="公園處 2026 年度維護費",
                                        reason="內容單純")
    assert p.state == State.DIRECT_EXECUTION
    s = DirectExecutionStatement.objects.get(proposal=single)
    assert (s.agency, s.recorded_by, s.budget_line) == (cast.lead_agency, cast["lead"], "公園處 2026 年度維護費")
    log = TransitionLog.objects.get(proposal=single, transition="agree_direct_execution")
    assert log.actor == cast["lead"] and log.reason == "內容單純"


@pytest.mark.parametrize("budget, finish", [(False, True), (True, False)])
def test_direct_execution_refused_without_budget_or_this_year(cast, single, budget, finish):
    with pytest.raises(ValidationError):
        services.direct_execution_agree(proposal=single, actor=cast["lead"], budget_covers=budget,
                                        finishable_this_year=finish, budget_line="x", reason="r")
    assert not DirectExecutionStatement.objects.exists()


def test_a_failed_condition_leaves_no_statement(cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)  # has a co-agency and no consent
    with pytest.raises(ValidationError):
        services.direct_execution_agree(proposal=p, actor=cast["lead"], budget_covers=True,
                                        finishable_this_year=True, budget_line="x", reason="r")
    assert not DirectExecutionStatement.objects.exists()  # rolled back with the refused transition


@pytest.mark.parametrize("who", ["co_agency", "other_agency", "district", "civil", "proposer"])
def test_only_the_lead_agency_agrees(cast, single, who):
    with pytest.raises(PermissionDenied):
        services.direct_execution_agree(proposal=single, actor=cast[who], budget_covers=True,
                                        finishable_this_year=True, budget_line="x", reason="r")


# -- assessment ---------------------------------------------------------------------------

@pytest.fixture
def assessing(cast, cycle):
    return cast.walk(cycle, State.IN_ASSESSMENT)


@pytest.mark.parametrize("outcome, state", [("execute", State.IN_EXECUTION), ("close", State.ASSESSMENT_CLOSED)])
def test_assessment_report_moves_the_proposal(cast, assessing, outcome, state):
    services.assessment_report_submit(proposal=assessing, actor=cast["lead"], findings="全市評估：可納入年度計畫",
                                      outcome=outcome)
    p = Proposal.objects.get(pk=assessing.pk)
    assert p.state == state
    assert AssessmentReport.objects.get(proposal=p).submitted_by == cast["lead"]
    assert "全市評估" in p.transitions.order_by("-id").first().reason


@pytest.mark.parametrize("who", ["co_agency", "other_agency", "district", "committee"])
def test_only_the_lead_agency_reports(cast, assessing, who):
    with pytest.raises(PermissionDenied):
        services.assessment_report_submit(proposal=assessing, actor=cast[who], findings="x", outcome="close")


def test_overdue_assessments_on_the_committee_and_agency_queues(cast, assessing):
    before = datetime.date(2026, 8, 31)
    after = datetime.date(2026, 9, 1)
    assert selectors.assessments_overdue(user=cast["committee"], today=before) == []
    assert [p.pk for p in selectors.assessments_overdue(user=cast["committee"], today=after)] == [assessing.pk]
    assert [p.pk for p in selectors.assessments_overdue(user=cast["lead"], today=after)] == [assessing.pk]
    for who in ("other_agency", "district", "resident", "civil"):
        assert selectors.assessments_overdue(user=cast[who], today=after) == []
    services.assessment_report_submit(proposal=assessing, actor=cast["lead"], findings="x", outcome="close")
    assert selectors.assessments_overdue(user=cast["committee"], today=after) == []


# -- exclusion ----------------------------------------------------------------------------

@pytest.fixture
def category(cast, cycle):
    return services.exclusion_category_save(cycle=cycle, actor=cast["civil"], name="人事費用",
                                            name_en="Personnel costs", explanation="不支應人事費用。")


def test_exclusion_categories_are_configured_by_civil_affairs(cast, cycle):
    for who in ("district", "civil_no_mfa", "lead"):
        with pytest.raises(PermissionDenied):
            services.exclusion_category_save(cycle=cycle, actor=cast[who], name="x", name_en="x", explanation="x")


def test_exclusion_without_a_category_is_refused_by_the_lifecycle(cast, assigned):
    with pytest.raises(ValidationError):
        proposal_services.proposal_transition(proposal=assigned, actor=cast["district"], transition_name="exclude",
                                              reason="r")


def test_exclusion_records_category_and_reason(cast, assigned, category):
    p = services.proposal_exclude(proposal=assigned, actor=cast["district"], category=category,
                                  reason="提案內容為聘請人力")
    assert p.state == State.EXCLUDED
    record = ExclusionRecord.objects.get(proposal=assigned)
    assert (record.category, record.recorded_by) == (category, cast["district"])
    log = TransitionLog.objects.get(proposal=assigned, transition="exclude")
    assert "人事費用" in log.reason and "提案內容為聘請人力" in log.reason  # what the proposer is told


def test_exclusion_needs_a_category_of_the_cycle_in_use(cast, assigned, category):
    other = services.exclusion_category_save(cycle=CycleFactory(year=2025), actor=cast["civil"], name="x",
                                             name_en="x", explanation="x")
    with pytest.raises(ValidationError):
        services.proposal_exclude(proposal=assigned, actor=cast["district"], category=other, reason="r")
    services.exclusion_category_save(cycle=assigned.cycle, actor=cast["civil"], category=category, name="人事費用",
                                     name_en="Personnel costs", explanation="x", active=False)
    category.refresh_from_db()
    with pytest.raises(ValidationError):
        services.proposal_exclude(proposal=assigned, actor=cast["district"], category=category, reason="r")
    assert not ExclusionRecord.objects.exists()


@pytest.mark.parametrize("who, allowed", [("district", True), ("civil", True), ("district_other", False),
                                          ("district_no_mfa", False), ("lead", False), ("proposer", False)])
def test_who_excludes(cast, assigned, category, who, allowed):
    if allowed:
        services.proposal_exclude(proposal=assigned, actor=cast[who], category=category, reason="r")
    else:
        with pytest.raises(PermissionDenied):
            services.proposal_exclude(proposal=assigned, actor=cast[who], category=category, reason="r")


def test_one_line_fields_refuse_line_breaks(cast, single, cycle):
    with pytest.raises(ValidationError):
        services.direct_execution_agree(proposal=single, actor=cast["lead"], budget_covers=True,
                                        finishable_this_year=True, budget_line="維護費\r\nBcc: x@evil.tw", reason="r")
    assert not DirectExecutionStatement.objects.exists()
    assert Proposal.objects.get(pk=single.pk).state == State.AGENCIES_ASSIGNED
    with pytest.raises(ValidationError):
        services.exclusion_category_save(cycle=cycle, actor=cast["civil"], name="人事\n費用", name_en="x",
                                         explanation="x")
