"""Pre-meeting services: convening, agenda, one-screen designation, contests, contacts, principles."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from deliberation import selectors, services
from deliberation.models import ContestDecision, DesignationContest, PreMeeting
from pbcity.models import Notification
from proposals.models import Proposal, TransitionLog
from proposals.states import State

from .premeeting_fixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_only_the_district_office_convenes_one_premeeting(cast, cycle, premeeting):
    for who in ("district_other", "district_no_mfa", "civil", "lead"):
        with pytest.raises(PermissionDenied):
            services.premeeting_plan(actor=cast[who], cycle=cycle, district=cast.district,
                                     held_on=datetime.date(2026, 5, 1), venue="x")
    with pytest.raises(ValidationError):
        services.premeeting_plan(actor=cast["district"], cycle=cycle, district=cast.district,
                                 held_on=datetime.date(2026, 5, 1), venue="x")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second one too
        PreMeeting.objects.create(cycle=cycle, district=cast.district, held_on=datetime.date(2026, 5, 1), venue="y")


def test_agenda_is_every_proposal_the_assembly_passed(cast, cycle, premeeting, passed, assigned):
    raised = cast.walk(cycle, State.RAISED)
    rejected = cast.walk(cycle, State.ASSEMBLY_REJECTED)
    agenda = selectors.premeeting_agenda(premeeting=premeeting)
    ids = {p.pk for p in agenda}
    assert ids == {passed[0].pk, passed[1].pk, assigned.pk}
    assert raised.pk not in ids and rejected.pk not in ids


def test_designation_for_the_whole_agenda_notifies_agencies(cast, cycle, premeeting, passed, third_agency,
                                                          third_agency_staff, django_capture_on_commit_callbacks):
    lead_staff = cast["lead"]
    with django_capture_on_commit_callbacks(execute=True):
        done = services.premeeting_designate(
            premeeting=premeeting, actor=cast["district"], reason="依年度原則",
            designations=[(passed[0], cast.lead_agency, [third_agency]), (passed[1], third_agency, [])],
        )
    assert len(done) == 2
    first, second = (Proposal.objects.get(pk=p.pk) for p in passed)
    assert first.state == second.state == State.AGENCIES_ASSIGNED
    assert first.lead_agency == cast.lead_agency and list(first.co_agencies.all()) == [third_agency]
    log = TransitionLog.objects.filter(proposal=first, transition="designate_agencies").get()
    assert log.actor == cast["district"] and "2026-05-12" in log.reason and "依年度原則" in log.reason
    assert Notification.objects.filter(recipient=lead_staff).count() == 1
    assert Notification.objects.filter(recipient=third_agency_staff).count() == 2  # co on one, lead on other
    # The agency's work queue derives from the lifecycle: the lead agency now sees the proposal.
    from proposals.selectors import proposals_awaiting

    assert first.pk in {row["proposal"].pk for row in proposals_awaiting(user=lead_staff)}


def test_designation_is_all_or_nothing(cast, cycle, premeeting, passed, other_district):
    other = Proposal.objects.create(cycle=cycle, district=other_district, title="x", problem="x", solution="x")
    with pytest.raises(ValidationError):
        services.premeeting_designate(premeeting=premeeting, actor=cast["district"], reason="r",
                                      designations=[(passed[0], cast.lead_agency, []), (other, cast.lead_agency, [])])
    assert Proposal.objects.get(pk=passed[0].pk).state == State.ASSEMBLY_PASSED


@pytest.mark.parametrize("who", ["district_other", "district_no_mfa", "civil", "lead", "committee"])
def test_only_the_premeetings_office_designates(cast, premeeting, passed, who):
    with pytest.raises(PermissionDenied):
        services.premeeting_designate(premeeting=premeeting, actor=cast[who], reason="r",
                                      designations=[(passed[0], cast.lead_agency, [])])


def test_a_co_agency_contests_and_the_office_keeps_the_designation(cast, assigned):
    contest = services.contest_raise(proposal=assigned, actor=cast["co_agency"], agency=cast.co_agency,
                                     reason="本案不涉及本局業務")
    with pytest.raises(ValidationError):  # one open contest per agency
        services.contest_raise(proposal=assigned, actor=cast["co_agency"], agency=cast.co_agency, reason="再次")
    decision = services.contest_decide(contest=contest, actor=cast["district"], outcome="kept",
                                       reason="依指定原則第二點維持")
    assert decision.old_lead == cast.lead_agency and decision.new_lead is None
    assert decision.old_co_agencies == cast.co_agency.code
    with pytest.raises(ValidationError):
        services.contest_decide(contest=contest, actor=cast["district"], outcome="kept", reason="again")
    # After a decision the agency may contest again (new facts), and that is a new record.
    services.contest_raise(proposal=assigned, actor=cast["co_agency"], agency=cast.co_agency, reason="新事證")
    assert DesignationContest.objects.filter(proposal=assigned).count() == 2


def test_a_changed_designation_is_on_record_with_the_old_one(cast, assigned, third_agency, third_agency_staff,
                                                            django_capture_on_commit_callbacks):
    contest = services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency,
                                     reason="應由警察局主辦")
    with pytest.raises(ValidationError):  # a change must name the new lead
        services.contest_decide(contest=contest, actor=cast["district"], outcome="changed", reason="r")
    with django_capture_on_commit_callbacks(execute=True):
        services.contest_decide(contest=contest, actor=cast["district"], outcome="changed", reason="同意改由警察局主辦",
                                new_lead=third_agency, new_co_agencies=[cast.co_agency])
    p = Proposal.objects.get(pk=assigned.pk)
    assert p.lead_agency == third_agency and p.state == State.AGENCIES_ASSIGNED
    d = ContestDecision.objects.get(contest=contest)
    assert (d.old_lead, d.new_lead, d.decided_by) == (cast.lead_agency, third_agency, cast["district"])
    last = p.history.order_by("-history_date", "-history_id").first()
    assert "同意改由警察局主辦" in last.history_change_reason and last.history_user == cast["district"]
    assert Notification.objects.filter(recipient=third_agency_staff).exists()


@pytest.mark.parametrize("who", ["resident", "proposer", "other_agency", "district", "civil"])
def test_only_a_designated_agency_contests(cast, assigned, who):
    with pytest.raises(PermissionDenied):
        services.contest_raise(proposal=assigned, actor=cast[who], agency=cast.lead_agency, reason="r")


@pytest.mark.parametrize("who", ["district_other", "district_no_mfa", "lead", "committee"])
def test_only_the_district_office_decides(cast, assigned, who):
    contest = services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency, reason="r")
    with pytest.raises(PermissionDenied):
        services.contest_decide(contest=contest, actor=cast[who], outcome="kept", reason="r")


def test_contest_reason_is_required(cast, assigned):
    with pytest.raises(ValidationError):
        services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency, reason="   ")


def test_designated_agencies_log_contacts(cast, assigned):
    today = datetime.date.today()
    c = services.contact_log(proposal=assigned, actor=cast["co_agency"], agency=cast.co_agency,
                             contacted_on=today, way="phone", summary="電話聯繫提案人，約定現勘時間")
    assert c.recorded_by == cast["co_agency"]
    with pytest.raises(ValidationError):
        services.contact_log(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency,
                             contacted_on=today + datetime.timedelta(days=1), way="phone", summary="x")
    with pytest.raises(PermissionDenied):  # staff of one agency cannot log for another
        services.contact_log(proposal=assigned, actor=cast["lead"], agency=cast.co_agency, contacted_on=today,
                             way="phone", summary="x")
    with pytest.raises(PermissionDenied):
        services.contact_log(proposal=assigned, actor=cast["other_agency"], agency=cast.lead_agency,
                             contacted_on=today, way="phone", summary="x")


def test_principles_are_kept_by_civil_affairs_with_every_version(cast, cycle):
    with pytest.raises(PermissionDenied):
        services.principles_save(cycle=cycle, actor=cast["district"], text="x")
    with pytest.raises(PermissionDenied):
        services.principles_save(cycle=cycle, actor=cast["civil_no_mfa"], text="x")
    services.principles_save(cycle=cycle, actor=cast["civil"], text="第一版")
    doc = services.principles_save(cycle=cycle, actor=cast["civil"], text="第二版", reason="共識會議修正")
    assert selectors.principles_for(cycle=cycle).text == "第二版"
    assert [h.text for h in doc.history.order_by("history_date")] == ["第一版", "第二版"]


def test_contest_records_are_append_only(cast, assigned):
    contest = services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency, reason="r")
    contest.reason = "changed"
    with pytest.raises(PermissionError):
        contest.save()
    with pytest.raises(PermissionError):
        DesignationContest.objects.filter(pk=contest.pk).update(reason="x")
    with pytest.raises(PermissionError):
        contest.delete()
