"""Writes of the meetings and hearings. Each checks permission, applies the rule, saves in one transaction
(append-only audit records) and queues notifications on commit through the one outbox (pbcity.tasks.enqueue).
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity import agenda
from pbcity.permissions import acts_as
from pbcity.roles import Role
from pbcity.tasks import enqueue
from pbcity.validators import single_line

from . import permissions as perm
from . import rules
from .models import (
    Attendance,
    Decision,
    FollowUpReport,
    Hearing,
    HearingRecord,
    Meeting,
    MeetingItem,
    Minutes,
    Opposition,
    OppositionStep,
)
from .sources import decisions_for


def _problem(key: str) -> str:
    return {
        "unknown_decision": _("Choose one of the decisions this item allows."),
        "due_not_after_meeting": _("A follow-up date must come after the meeting."),
        "outcome_exists": _("This opposition already has its outcome."),
        "meeting_first": _("Hold a coordination meeting before recording the outcome."),
    }[key]


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


# -- meetings -------------------------------------------------------------------------------------------

def meeting_plan(*, actor, cycle, title: str, held_on: datetime.date, place: str,
                 starts_at: datetime.time | None = None) -> Meeting:
    """Plan a PB group meeting; its agenda starts with everything now waiting for the committee."""
    if not perm.can_plan_meeting(cycle, actor):
        raise PermissionDenied(_("Only committee members plan the PB group's meetings."))
    title = single_line(_required(title, _("Give the meeting a title.")), limit=200)
    place = single_line(_required(place, _("Say where the meeting takes place.")), limit=200)
    with transaction.atomic():
        meeting = Meeting.objects.create(cycle=cycle, title=title, held_on=held_on, starts_at=starts_at,
                                         place=place, planned_by=actor)
        meeting_agenda_refresh(meeting=meeting, actor=actor)
    return meeting


# Advisory-lock namespaces (two-key form): the records are append-only, and the runtime role may not
# SELECT … FOR UPDATE them (that needs the UPDATE privilege it lacks), so writers queue on a lock instead.
_MEETING_LOCK = 0x61636301
_OPPOSITION_LOCK = 0x61636302


def _advisory_lock(namespace: int, pk: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, pk])


def _lock(meeting) -> Meeting:
    """Serialise writes on one meeting (positions, decisions against the closing minutes); reread it after."""
    _advisory_lock(_MEETING_LOCK, meeting.pk)
    return Meeting.objects.get(pk=meeting.pk)


def _next_position(meeting) -> int:
    return (MeetingItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1


def meeting_agenda_refresh(*, meeting, actor) -> list[MeetingItem]:
    """Put every candidate now waiting (pbcity.agenda) on the agenda, once each; invite the agencies named.

    All sources, all cycles: a project voted in an earlier cycle is still followed by this year's group.
    """
    if not perm.can_run_meeting(meeting, actor):
        raise PermissionDenied(_("Only committee members change the agenda of a meeting not yet closed."))
    added = []
    with transaction.atomic():
        meeting = _lock(meeting)
        on_agenda = set(MeetingItem.objects.filter(meeting=meeting).exclude(source="").values_list("source", "ref"))
        position = _next_position(meeting)
        for c in agenda.waiting():
            if (c.source, str(c.ref)) in on_agenda:
                continue
            on_agenda.add((c.source, str(c.ref)))
            added.append(MeetingItem.objects.create(
                meeting=meeting, position=position, source=c.source, ref=str(c.ref),
                title=single_line(str(c.title), limit=300), reason=str(c.reason), url=c.url or "",
                project_id=c.project_id, proposal_id=c.proposal_id, agency_ids=sorted(set(c.agency_ids)),
                due=c.due, added_by=actor,
            ))
            position += 1
        if added:
            enqueue("accountability.tasks.meeting_invite", meeting.pk)
    return added


def meeting_item_add(*, meeting, actor, title: str, reason: str = "", project=None, agencies=()) -> MeetingItem:
    """A member adds an item by hand (free text, optionally about a project; named agencies are invited)."""
    if not perm.can_run_meeting(meeting, actor):
        raise PermissionDenied(_("Only committee members change the agenda of a meeting not yet closed."))
    title = single_line(_required(title, _("Give the item a title.")), limit=300)
    agency_ids = {a.pk for a in agencies}
    if project is not None and not agency_ids:
        agency_ids = {project.lead_agency_id}
    with transaction.atomic():
        meeting = _lock(meeting)
        item = MeetingItem.objects.create(
            meeting=meeting, position=_next_position(meeting), title=title, reason=(reason or "").strip(),
            project=project, proposal_id=project.proposal_id if project is not None else None,
            agency_ids=sorted(agency_ids), added_by=actor,
        )
        if agency_ids:
            enqueue("accountability.tasks.meeting_invite", meeting.pk)
    return item


def attendance_record(*, meeting, actor, kind: str, name: str, agency=None) -> Attendance:
    if not perm.can_run_meeting(meeting, actor):
        raise PermissionDenied(_("Only committee members record the attendance of a meeting not yet closed."))
    name = single_line(_required(name, _("Enter the attendee's name.")), limit=120)
    if kind == Attendance.Kind.AGENCY and agency is None:
        raise ValidationError(_("Choose the agency this representative speaks for."))
    with transaction.atomic():
        return Attendance.objects.create(meeting=_lock(meeting), kind=kind, name=name,
                                         agency=agency if kind == Attendance.Kind.AGENCY else None,
                                         recorded_by=actor)


def item_decide(*, item, actor, code: str, reason: str, due: datetime.date | None = None,
                agencies=(), today: datetime.date | None = None) -> Decision:
    """Record the committee's decision on an agenda item and hand it to the item's source, in one transaction.

    This is the only caller of an agenda source's `decide` handler: a source can rely on every call coming
    from a decision taken at a meeting (closure is approved only here). A refusal from the handler
    (ValidationError / PermissionDenied) rolls the decision back and reaches the caller unchanged.
    """
    meeting = item.meeting
    if not perm.can_run_meeting(meeting, actor):
        raise PermissionDenied(_("Only committee members decide the items of a meeting not yet closed."))
    today = today or timezone.localdate()
    reason = _required(reason, _("Give the reasons for the decision."))
    source = agenda.source(item.source) if item.source else None
    if item.source and source is None:
        raise ValidationError(_("This item's source is no longer available; its decision cannot be recorded."))
    choices = dict(decisions_for(item.source))
    problem = rules.decision_problem(code=code, allowed=tuple(choices), due=due, held_on=meeting.held_on)
    if problem:
        raise ValidationError(_problem(problem))
    agency_ids = sorted({a.pk for a in agencies})
    try:
        with transaction.atomic():
            meeting = _lock(meeting)
            if perm.is_closed(meeting):
                raise ValidationError(_("The minutes of this meeting are recorded; it takes no more decisions."))
            if not rules.meeting_open_for_decisions(held_on=meeting.held_on, today=today, minutes_recorded=False):
                raise ValidationError(_("Decisions are recorded at the meeting, from its date on."))
            decision = Decision.objects.create(item=item, code=code, label=str(choices[code]), reason=reason,
                                               due=due, agency_ids=agency_ids, decided_by=actor)
            if source is not None and source.decide is not None:
                source.decide(ref=item.ref, decision=code, reason=reason, by=actor, meeting_item_id=item.pk,
                              due=due, agencies=tuple(agency_ids))
    except IntegrityError:
        raise ValidationError(_("This item has already been decided.")) from None
    return decision


def minutes_record(*, meeting, actor, text: str, today: datetime.date | None = None) -> Minutes:
    """Write the minutes: the meeting is held and closed, and its public page shows them."""
    if not perm.can_run_meeting(meeting, actor):
        raise PermissionDenied(_("Only committee members record the minutes of a meeting not yet closed."))
    text = _required(text, _("Write the minutes."))
    if (today or timezone.localdate()) < meeting.held_on:
        raise ValidationError(_("Minutes are recorded once the meeting has taken place."))
    try:
        with transaction.atomic():
            meeting = _lock(meeting)
            return Minutes.objects.create(meeting=meeting, text=text, recorded_by=actor)
    except IntegrityError:
        raise ValidationError(_("The minutes of this meeting are already recorded.")) from None


def followup_report(*, decision, actor, agency, text: str, done: bool = False) -> FollowUpReport:
    """An agency the decision names reports on its follow-up; `done` closes it."""
    if agency is None or agency.pk not in perm.followup_agency_ids(decision) or not acts_as(
            actor, Role.AGENCY, agency_id=agency.pk):
        raise PermissionDenied(_("Only the agencies this decision names report on its follow-up."))
    text = _required(text, _("Write the report."))
    with transaction.atomic():
        return FollowUpReport.objects.create(decision=decision, text=text, done=done, agency=agency,
                                             reported_by=actor)


# -- hearings ---------------------------------------------------------------------------------------------

def hearing_plan(*, actor, proposal, kind: str, title: str, starts_at: datetime.datetime, place: str,
                 description: str = "", project=None) -> Hearing:
    """Plan a hearing; it is listed publicly and announced to the proposal's and project's followers."""
    if not perm.can_plan_hearing(proposal, actor, project):
        raise PermissionDenied(_("Only the district office or the lead agency plans hearings for this proposal."))
    if kind not in Hearing.Kind.values:
        raise ValidationError(_("Choose the kind of meeting."))
    title = single_line(_required(title, _("Give the hearing a title.")), limit=200)
    place = single_line(_required(place, _("Say where the hearing takes place.")), limit=200)
    # The organiser is the office when the actor speaks for it, else the lead agency.
    by_office = acts_as(actor, Role.DISTRICT_OFFICE, district_id=proposal.district_id)
    lead = project.lead_agency_id if project is not None else proposal.lead_agency_id
    with transaction.atomic():
        hearing = Hearing.objects.create(
            kind=kind, proposal=proposal, project=project, title=title, starts_at=starts_at, place=place,
            description=(description or "").strip(),
            organiser_district_id=proposal.district_id if by_office else None,
            organiser_agency_id=None if by_office else lead, planned_by=actor,
        )
        enqueue("accountability.tasks.hearing_announce", hearing.pk)
    return hearing


def hearing_record(*, hearing, actor, attendance: int, minutes: str, objections: str = "",
                   now: datetime.datetime | None = None) -> HearingRecord:
    if not perm.can_record_hearing(hearing, actor):
        raise PermissionDenied(_("Only the hearing's organiser records what happened at it."))
    minutes = _required(minutes, _("Write the minutes."))
    if (now or timezone.now()) < hearing.starts_at:
        raise ValidationError(_("A hearing is recorded once it has taken place."))
    if attendance is None or attendance < 0:
        raise ValidationError(_("Enter how many people attended."))
    try:
        with transaction.atomic():
            return HearingRecord.objects.create(hearing=hearing, attendance=attendance, minutes=minutes,
                                                objections=(objections or "").strip(), recorded_by=actor)
    except IntegrityError:
        raise ValidationError(_("This hearing is already recorded.")) from None


def opposition_record(*, project, actor, summary: str, details: str, hearing=None) -> Opposition:
    """Record local opposition to a project in execution: the start of the city's coordination procedure."""
    if not perm.can_record_opposition(project, actor):
        raise PermissionDenied(_("Only the district office or the lead agency records opposition to an open project."))
    summary = single_line(_required(summary, _("Summarise the opposition.")), limit=200)
    details = _required(details, _("Describe what the residents object to."))
    if hearing is not None and hearing.project_id != project.pk:
        raise ValidationError(_("That hearing was about another project."))
    with transaction.atomic():
        return Opposition.objects.create(project=project, hearing=hearing, summary=summary, details=details,
                                         recorded_by=actor)


def opposition_step_record(*, opposition, actor, kind: str, text: str, held_on: datetime.date | None = None,
                           outcome: str = "") -> OppositionStep:
    """A coordination meeting, or the outcome (after at least one meeting; once)."""
    if not perm.can_record_opposition(opposition.project, actor):
        raise PermissionDenied(_("Only the district office or the lead agency records the coordination."))
    text = _required(text, _("Write what was discussed or decided."))
    with transaction.atomic():
        # Lock the opposition: two outcomes at once meet the unique index, two checks of "a meeting first" agree.
        _advisory_lock(_OPPOSITION_LOCK, opposition.pk)
        opposition = Opposition.objects.get(pk=opposition.pk)
        if kind == OppositionStep.Kind.MEETING:
            if held_on is None:
                raise ValidationError(_("Enter the date of the coordination meeting."))
            outcome = ""
        elif kind == OppositionStep.Kind.OUTCOME:
            if outcome not in OppositionStep.Outcome.values:
                raise ValidationError(_("Choose the outcome."))
            steps = opposition.steps.all()
            problem = rules.opposition_outcome_problem(
                outcome=outcome, meetings_held=steps.filter(kind=OppositionStep.Kind.MEETING).count(),
                has_outcome=steps.filter(kind=OppositionStep.Kind.OUTCOME).exists())
            if problem:
                raise ValidationError(_problem(problem))
        else:
            raise ValidationError(_("Choose a coordination meeting or the outcome."))
        try:
            with transaction.atomic():
                return OppositionStep.objects.create(opposition=opposition, kind=kind, held_on=held_on,
                                                     outcome=outcome, text=text, recorded_by=actor)
        except IntegrityError:
            raise ValidationError(_problem("outcome_exists")) from None
