"""The demo city's part of this app (called by portal.demo.build, after tracking).

A held PB group meeting whose agenda came from whatever sources are registered at seed time (pbcity.agenda:
tracking's disputed changes, closures, flags … once they exist) plus a hand-added item, each decided where the
source accepts it; an explanatory meeting with minutes and objections; a local opposition that went through
coordination to "close early" and waits on the next meeting's agenda with an overdue follow-up. Idempotent:
each part is keyed by its title.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from tracking import demo as tracking_demo
from tracking.models import Project

from . import services
from .models import Attendance, Hearing, Meeting, Opposition, OppositionStep
from .sources import decisions_for

HELD = "2026年第1次參與預算組會議"
NEXT = "2026年第2次參與預算組會議"
PLACE = "臺北市政府北區2樓 N206會議室"


def _open_projects():
    return list(Project.objects.select_related("proposal__district", "lead_agency")
                .filter(proposal__state__in=("direct_execution", "budgeting", "in_execution")).order_by("pk"))


def _agency_user(ref, agency):
    return ref["users"]["agency"].get(agency.code)


def _proposer(project):
    pp = project.proposal.proposers.select_related("user").filter(user__isnull=False).first()
    return pp.user if pp else None


def _held_meeting(ref, cycle, project, today) -> Meeting:
    committee = ref["users"]["committee"]
    meeting = services.meeting_plan(actor=committee, cycle=cycle, title=HELD, held_on=today - datetime.timedelta(30),
                                    place=PLACE, starts_at=datetime.time(14, 0))
    agencies = [project.lead_agency, *project.co_agencies.all()]
    services.meeting_item_add(meeting=meeting, actor=committee, title="遮陽棚工程與人行道改善工程介面協調",
                              reason="兩項工程施工範圍重疊，委員請相關機關說明分工。", project=project, agencies=agencies)
    decided_sources = set()
    for item in meeting.items.all():
        choices = [code for code, _label in decisions_for(item.source)]
        if not choices or item.source in decided_sources:
            continue  # one item per source is decided here; the rest wait for the next meeting's agenda
        # The hand-added item becomes a follow-up that is overdue by now; one item of each source takes the
        # source's first decision (e.g. a closure request approved: the demo's project closed through consent and
        # approval), where the source accepts it (a refusal leaves it undecided, as at a real meeting).
        code = "coordinate" if item.by_hand else choices[0]
        due = today - datetime.timedelta(5) if item.by_hand else None
        try:
            services.item_decide(item=item, actor=committee, code=code, due=due, agencies=agencies if due else (),
                                 reason="經委員討論，請主辦機關於期限前會同協辦機關完成協調並回報。" if item.by_hand
                                 else "經委員討論後決議。")
        except (ValidationError, PermissionDenied):
            continue
        if item.source:
            decided_sources.add(item.source)
    services.attendance_record(meeting=meeting, actor=committee, kind=Attendance.Kind.MEMBER,
                               name=committee.name or "公參委員")
    services.attendance_record(meeting=meeting, actor=committee, kind=Attendance.Kind.AGENCY,
                               name="主辦機關代表", agency=project.lead_agency)
    proposer = _proposer(project)
    if proposer is not None:
        services.attendance_record(meeting=meeting, actor=committee, kind=Attendance.Kind.PROPOSER,
                                   name=proposer.name or "提案人")
    services.minutes_record(meeting=meeting, actor=committee,
                            text="一、主席致詞。\n二、各機關報告執行進度與困難。\n三、討論事項決議如議程。\n四、散會。")
    return meeting


def _hearing_with_opposition(ref, project, today) -> Hearing:
    office = ref["users"]["district"][project.proposal.district.code]
    lead = _agency_user(ref, project.lead_agency)
    hearing = services.hearing_plan(
        actor=office, proposal=project.proposal, project=project, kind=Hearing.Kind.EXPLANATORY,
        title=f"{project.title}施工說明會", place=f"{project.proposal.district.name}民活動中心",
        starts_at=timezone.now() - datetime.timedelta(days=20),
        description="說明施工期程、交通維持計畫與樹木保護措施，並聽取里民意見。")
    services.hearing_record(hearing=hearing, actor=office, attendance=36,
                            minutes="主辦機關說明施工期程；里長與里民提問施工噪音與停車問題，機關逐一回應。",
                            objections="部分鄰近住戶反對移除既有樹木，並擔心施工期間停車空間減少。")
    opposition = services.opposition_record(
        project=project, actor=office, hearing=hearing, summary="鄰近住戶反對移除樹木",
        details="里民連署反對移除公園內三棵老樹，要求重新設計或停止施工。")
    services.opposition_step_record(opposition=opposition, actor=lead or office, kind=OppositionStep.Kind.MEETING,
                                    held_on=today - datetime.timedelta(12),
                                    text="區公所召集主辦機關、里長、提案人與反對住戶協調，未能取得共識。")
    services.opposition_step_record(opposition=opposition, actor=lead or office, kind=OppositionStep.Kind.OUTCOME,
                                    outcome=OppositionStep.Outcome.CLOSE_EARLY,
                                    text="地方反對強烈，主辦機關擬提早結案，送參與預算組審議。")
    return hearing


CLOSURES = "2026年參與預算組臨時會議"


def close_early_at_a_meeting(*, proposal, actor, reason: str, ref=None) -> None:
    """The proposals demo's projects closed early (a lifecycle step done above proposals, portal/demo.py): the
    lead agency asks, every proposer consents, and the PB group approves each at one meeting held two months
    ago (its minutes are written by `seed`) — the only way a project closes (tracking.services.closure_decide)."""
    from pbcity.models import User

    req = tracking_demo.closure_request_with_consent(proposal=proposal, actor=actor, reason=reason, ref=ref)
    if req.status != "consented":
        return
    committee = User.objects.get(email="committee@demo.pbcity.tw")
    meeting = Meeting.objects.filter(title=CLOSURES).first()
    if meeting is None:
        meeting = services.meeting_plan(actor=committee, cycle=proposal.cycle, title=CLOSURES,
                                        held_on=timezone.localdate() - datetime.timedelta(60), place=PLACE,
                                        starts_at=datetime.time(10, 0))
    else:
        services.meeting_agenda_refresh(meeting=meeting, actor=committee)
    item = meeting.items.get(source="tracking.closure", ref=str(req.pk))
    services.item_decide(item=item, actor=committee, code="approve",
                         reason="提案人均同意，用地取得確有困難，同意提早結案。")


def _closures_minutes(committee) -> None:
    meeting = Meeting.objects.filter(title=CLOSURES, minutes__isnull=True).first()
    if meeting is None:
        return
    services.attendance_record(meeting=meeting, actor=committee, kind=Attendance.Kind.MEMBER,
                               name=committee.name or "公參委員")
    services.minutes_record(meeting=meeting, actor=committee,
                            text="一、主辦機關說明用地取得困難。\n二、提案人均同意提早結案。\n三、決議：同意提早結案；"
                                 "其餘議程事項留待下次會議。")


def seed(ref) -> dict:
    _closures_minutes(ref["users"]["committee"])
    projects = _open_projects()
    if not projects or Meeting.objects.filter(title=HELD).exists():
        return {"meetings": list(Meeting.objects.order_by("pk")), "hearings": list(Hearing.objects.order_by("pk"))}
    today = timezone.localdate()
    cycle = ref["cycles"][2026]
    committee = ref["users"]["committee"]
    # The demo prints no mail: announcements and invitations go to the inboxes only.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        held = _held_meeting(ref, cycle, projects[0], today)
        # Chosen after the meeting: a closure it approved may have ended a project (opposition needs an open one).
        still_open = _open_projects()
        other = next((p for p in still_open if p.pk != projects[0].pk), still_open[0] if still_open else None)
        if other is not None and not Opposition.objects.filter(project=other).exists():
            _hearing_with_opposition(ref, other, today)
        office = ref["users"]["district"][projects[0].proposal.district.code]
        services.hearing_plan(actor=office, proposal=projects[0].proposal, project=projects[0],
                              kind=Hearing.Kind.SITE_VISIT, title=f"{projects[0].title}現場會勘",
                              starts_at=timezone.now() + datetime.timedelta(days=10), place="施工現場",
                              description="與里民一同會勘施工範圍。")
        # The next meeting's agenda: the overdue follow-up, the opposition awaiting approval, and what else waits.
        nxt = services.meeting_plan(actor=committee, cycle=cycle, title=NEXT, held_on=today + datetime.timedelta(7),
                                    place=PLACE, starts_at=datetime.time(14, 0))
    return {"meetings": [held, nxt], "hearings": list(Hearing.objects.order_by("pk"))}
