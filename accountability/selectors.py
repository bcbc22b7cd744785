"""Reads of the meetings and hearings."""
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pbcity import agenda
from pbcity.models import Agency

from . import rules
from .models import Attendance, Decision, Hearing, Meeting, MeetingItem, Opposition, OppositionStep
from .sources import decisions_for, open_followups


def meeting_list(*, cycle=None):
    qs = Meeting.objects.select_related("cycle", "minutes")
    return qs.filter(cycle=cycle) if cycle is not None else qs


def published_meetings():
    """Meetings whose minutes are recorded: the public list."""
    return meeting_list().filter(minutes__isnull=False)


def meeting_items(*, meeting):
    return (MeetingItem.objects.filter(meeting=meeting)
            .select_related("project__proposal", "proposal", "decision")
            .prefetch_related(Prefetch("decision__reports")).order_by("position", "pk"))


def agencies_by_id(ids) -> dict[int, Agency]:
    return {a.pk: a for a in Agency.objects.filter(pk__in=set(ids))}


def meeting_agenda(*, meeting) -> list[dict]:
    """Each item with its decision, the decisions it allows and the agencies it names."""
    items = list(meeting_items(meeting=meeting))
    agencies = agencies_by_id(
        a for i in items for a in [*i.agency_ids, *(getattr(_decision(i), "agency_ids", None) or [])])
    rows = []
    for i in items:
        d = _decision(i)
        src = agenda.source(i.source) if i.source else None
        rows.append({
            "item": i, "decision": d, "choices": decisions_for(i.source),
            "source_label": src.label if src is not None else "",
            "agencies": [agencies[a] for a in i.agency_ids if a in agencies],
            "decision_agencies": [agencies[a] for a in (d.agency_ids if d else []) if a in agencies],
        })
    return rows


def _decision(item):
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


def candidates_not_on_agenda(*, meeting) -> list:
    """What is waiting now and not yet on this meeting's agenda (the "refresh" button lists them)."""
    on = set(MeetingItem.objects.filter(meeting=meeting).exclude(source="").values_list("source", "ref"))
    return [c for c in agenda.waiting() if (c.source, str(c.ref)) not in on]


def meeting_attendance(*, meeting):
    return Attendance.objects.filter(meeting=meeting).select_related("agency").order_by("kind", "pk")


def invited_agencies(*, meeting) -> list[Agency]:
    ids = {a for ids in MeetingItem.objects.filter(meeting=meeting).values_list("agency_ids", flat=True)
           for a in (ids or [])}
    return sorted(agencies_by_id(ids).values(), key=lambda a: a.pk)


def followups_due(*, today=None) -> list[Decision]:
    """Open follow-ups, soonest first, each marked overdue or not (the meetings list shows them)."""
    today = today or timezone.localdate()
    rows = list(open_followups().order_by("due", "pk"))
    for d in rows:
        d.overdue = rules.followup_overdue(due=d.due, today=today, closed=False)
    return rows


def project_decisions(*, project):
    return (Decision.objects.filter(Q(item__project=project) | Q(item__proposal_id=project.proposal_id))
            .select_related("item__meeting", "item").prefetch_related("reports").order_by("decided_at", "pk"))


def proposal_decisions(*, proposal):
    return (Decision.objects.filter(item__proposal=proposal).select_related("item__meeting", "item")
            .order_by("decided_at", "pk"))


def hearing_list(*, upcoming_only=False):
    qs = Hearing.objects.select_related("proposal__district", "project", "organiser_agency", "organiser_district",
                                        "record")
    if upcoming_only:
        qs = qs.filter(starts_at__gte=timezone.now())
    return qs


def hearings_of(*, proposal):
    return hearing_list().filter(proposal=proposal)


def oppositions_of(*, project):
    return (Opposition.objects.filter(project=project).prefetch_related("steps").order_by("-recorded_at", "-pk"))


def opposition_queryset():
    return Opposition.objects.select_related("project__proposal__district", "hearing").prefetch_related("steps")


def opposition_outcome(opposition):
    return next((s for s in opposition.steps.all() if s.kind == OppositionStep.Kind.OUTCOME), None)


def opposition_committee_decision(opposition):
    from .sources import OPPOSITION

    return (Decision.objects.filter(item__source=OPPOSITION, item__ref=str(opposition.pk))
            .select_related("item__meeting").first())


def change_request_url(project) -> str:
    """tracking's change-request page for the project (built by the sign-off work); the project page until then."""
    try:
        return reverse("tracking:change_new", args=[project.pk])
    except NoReverseMatch:
        return project.get_absolute_url()
