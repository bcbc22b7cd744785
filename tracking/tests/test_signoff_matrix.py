"""Every new action of the accountability work × every role: who may, who is refused (scope and MFA)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from proposals import services as proposal_services
from proposals.models import ProposalProposer
from tracking import services
from tracking.models import ChangeRequest

ROLES = ("proposer", "resident", "lead", "other_agency", "district", "district_other", "committee", "councillor",
         "councillor_other", "lead_no_mfa", "district_no_mfa", "committee_no_mfa")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(cast, other_district):
    cast.people["councillor_other"] = staff(Role.COUNCILLOR, district=other_district)
    cast.people["committee_no_mfa"] = staff(Role.COMMITTEE, mfa=False)
    return cast


def _allowed(call, actor) -> bool:
    sid = transaction.savepoint()
    try:
        call(actor)
        allowed = True
    except PermissionDenied:
        allowed = False
    transaction.savepoint_rollback(sid)
    return allowed


def _check(cast, call, expected):
    got = {who for who in ROLES if _allowed(call, cast[who])}
    assert got == set(expected)


def _disputed(cast, project, kind="milestone"):
    m = cast.milestone(project)
    kw = {"milestone": m, "new_planned_end": m.planned_end + datetime.timedelta(days=10)} if kind == "milestone" else {}
    req = services.change_propose(project=project, actor=cast["lead"], kind=kind, reason="理由", **kw)
    services.change_answer(request=req, actor=cast.proposer, agrees=kind != "milestone", reason="不同意")
    return req


@pytest.mark.django_db
def test_propose_a_change(people, cycle):
    project = people.executing(cycle)
    m = people.milestone(project)
    _check(people, lambda a: services.change_propose(
        project=project, actor=a, kind="milestone", milestone=m, reason="r",
        new_planned_end=m.planned_end + datetime.timedelta(days=3)), {"lead"})


@pytest.mark.django_db
def test_answer_a_change_as_proposer(people, cycle):
    project = people.executing(cycle)
    m = people.milestone(project)
    req = services.change_propose(project=project, actor=people["lead"], kind="milestone", milestone=m, reason="r",
                                  new_planned_end=m.planned_end + datetime.timedelta(days=3))
    _check(people, lambda a: services.change_answer(request=req, actor=a, agrees=True), {"proposer"})


@pytest.mark.django_db
def test_answer_for_an_unreachable_proposer(people, cycle):
    project = people.executing(cycle)
    walk_in = ProposalProposer.objects.create(proposal=project.proposal, name="里民", contact="02")
    req = services.change_propose(project=project, actor=people["lead"], kind="close", reason="r")
    ChangeRequest.objects.filter(pk=req.pk).update(answer_due=timezone.localdate() - datetime.timedelta(days=1))
    _check(people, lambda a: services.change_answer(request=req, actor=a, proposer=walk_in, agrees=True,
                                                    reason="聯繫未果"), {"district"})


@pytest.mark.django_db
def test_decide_a_disputed_change(people, cycle):
    project = people.executing(cycle)
    req = _disputed(people, project)
    _check(people, lambda a: services.change_decide(ref=str(req.pk), decision="reject", reason="r", by=a,
                                                    meeting_item_id=1), {"committee"})


@pytest.mark.django_db
def test_decide_a_closure(people, cycle):
    project = people.executing(cycle)
    req = _disputed(people, project, kind="close")  # every proposer agreed
    _check(people, lambda a: services.closure_decide(ref=str(req.pk), decision="approve", reason="r", by=a,
                                                     meeting_item_id=1), {"committee"})


@pytest.mark.django_db
def test_decide_flags_difficulties_reports_and_questions(people, cycle):
    project = people.executing(cycle)
    d = services.difficulty_raise(project=project, actor=people["lead"], kind="difficulty", summary="s", details="d")
    q = services.question_ask(project=project, actor=people["councillor"], text="何時完工？")
    for call in (
        lambda a: services.flag_decide(ref=f"{project.pk}:delayed", decision="noted", reason="r", by=a,
                                       meeting_item_id=1),
        lambda a: services.report_overdue_decide(ref=f"{project.pk}:2026Q3", decision="noted", reason="r", by=a,
                                                 meeting_item_id=1),
        lambda a: services.difficulty_decide(ref=str(d.pk), decision="advise", reason="r", by=a, meeting_item_id=1),
        lambda a: services.question_decide(ref=str(q.pk), decision="noted", reason="r", by=a, meeting_item_id=1),
    ):
        _check(people, call, {"committee"})


@pytest.mark.django_db
def test_ask_a_councillors_question(people, cycle):
    project = people.executing(cycle)
    _check(people, lambda a: services.question_ask(project=project, actor=a, text="預算執行率為何偏低？"),
           {"councillor"})


@pytest.mark.django_db
def test_answer_a_councillors_question(people, cycle):
    project = people.executing(cycle)
    q = services.question_ask(project=project, actor=people["councillor"], text="何時完工？")
    _check(people, lambda a: services.question_answer(question=q, actor=a, text="預計明年三月完工。"), {"lead"})


@pytest.mark.django_db
def test_change_a_proposals_contact(people, cycle):
    project = people.executing(cycle)
    newcomer = UserFactory(name="接手里民")
    _check(people, lambda a: proposal_services.contact_change(proposal=project.proposal, actor=a, contact=newcomer,
                                                              reason="原提案人已搬離"), {"district"})


@pytest.mark.django_db
def test_a_proposer_may_take_over_as_contact_themselves_only(people, cycle):
    project = people.executing(cycle)
    second = UserFactory(name="第二提案人")
    ProposalProposer.objects.create(proposal=project.proposal, user=second, name=str(second))
    people.people["second"] = second
    assert _allowed(lambda a: proposal_services.contact_change(proposal=project.proposal, actor=a, contact=a,
                                                               reason="我來接手"), second)
    assert not _allowed(lambda a: proposal_services.contact_change(proposal=project.proposal, actor=a,
                                                                   contact=people["resident"], reason="r"), second)
    assert not _allowed(lambda a: proposal_services.contact_change(proposal=project.proposal, actor=a, contact=a,
                                                                   reason="r"), people["resident"])
