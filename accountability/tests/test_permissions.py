"""Role × action: who may run meetings, report follow-ups, plan and record hearings, record opposition."""
import pytest
from django.utils import timezone

from accountability import permissions as perm
from accountability import services
from accountability.models import Hearing
from pbcity.roles import Role
from pbcity.tests.factories import staff

pytestmark = pytest.mark.django_db

ROLES = ("proposer", "resident", "lead", "other_agency", "district", "district_other", "committee", "councillor",
         "councillor_other", "civil", "committee_no_mfa", "district_no_mfa", "lead_no_mfa", "anonymous")


@pytest.fixture
def people(cast, other_district):
    cast.people["councillor_other"] = staff(Role.COUNCILLOR, district=other_district)
    cast.people["committee_no_mfa"] = staff(Role.COMMITTEE, mfa=False)
    return cast


@pytest.fixture
def objects(people, cycle, project):
    c = people
    meeting = services.meeting_plan(actor=c["committee"], cycle=cycle, title="會議", held_on=timezone.localdate(),
                                    place="市府")
    item = services.meeting_item_add(meeting=meeting, actor=c["committee"], title="協調", project=project)
    decision = services.item_decide(item=item, actor=c["committee"], code="coordinate", reason="r",
                                    due=timezone.localdate() + timezone.timedelta(days=9))
    hearing = services.hearing_plan(actor=c["district"], proposal=project.proposal, project=project,
                                    kind=Hearing.Kind.SITE_VISIT, title="現場會勘", starts_at=timezone.now(),
                                    place="公園")
    return {"meeting": meeting, "decision": decision, "hearing": hearing, "project": project, "cycle": cycle}


ACTIONS = {
    "plan meeting": (lambda o, u: perm.can_plan_meeting(o["cycle"], u), {"committee"}),
    "run meeting": (lambda o, u: perm.can_run_meeting(o["meeting"], u), {"committee"}),
    "meetings desk": (lambda o, u: perm.can_view_meeting_desk(o["meeting"], u), {"committee", "civil"}),
    "report follow-up": (lambda o, u: perm.can_report_followup(o["decision"], u), {"lead"}),
    "plan hearing": (lambda o, u: perm.can_plan_hearing(o["project"].proposal, u, o["project"]),
                     {"lead", "district"}),
    "record hearing": (lambda o, u: perm.can_record_hearing(o["hearing"], u), {"district"}),
    "record opposition": (lambda o, u: perm.can_record_opposition(o["project"], u), {"lead", "district"}),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_matrix(people, objects, action):
    predicate, allowed = ACTIONS[action]
    got = {who for who in ROLES if predicate(objects, people[who])}
    assert got == allowed


def test_a_closed_meeting_takes_nothing_more(people, objects):
    services.minutes_record(meeting=objects["meeting"], actor=people["committee"], text="紀錄")
    from accountability.models import Meeting

    assert not perm.can_run_meeting(Meeting.objects.get(pk=objects["meeting"].pk), people["committee"])
