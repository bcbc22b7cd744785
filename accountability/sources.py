"""This app's own agenda sources (pbcity.agenda), registered from AccountabilityConfig.ready:

- "accountability.followup": a decision's follow-up whose date has passed and that nobody closed;
- "accountability.opposition": local opposition whose outcome (withdraw, close early) needs the committee.

Neither needs a `decide` handler: the decision recorded at the meeting is what closes them.
"""
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pbcity import agenda

FOLLOWUP = "accountability.followup"
OPPOSITION = "accountability.opposition"

# Items members add by hand take these decisions.
MANUAL_DECISIONS = (
    ("noted", _l("Noted")),
    ("approve", _l("Approve")),
    ("return", _l("Return to the agency")),
    ("coordinate", _l("Agencies coordinate by a date")),
)
FOLLOWUP_DECISIONS = (
    ("done", _l("Accept as done")),
    ("extend", _l("Extend: follow up by a new date")),
    ("coordinate", _l("Agencies coordinate by a date")),
)
OPPOSITION_DECISIONS = (
    ("approve", _l("Approve: the agency files the withdrawal or closure request")),
    ("continue", _l("Not approved: the project continues")),
    ("return", _l("Return to the agency for more coordination")),
)


def decisions_for(source_key: str) -> tuple:
    """The (code, label) pairs a meeting may record for an item of this source ("" = added by hand)."""
    if not source_key:
        return MANUAL_DECISIONS
    src = agenda.source(source_key)
    return src.decisions if src is not None else ()


def _decided(source_key: str):
    """A subquery: a committee decision exists on an item of `source_key` whose ref is the outer row's pk."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from .models import Decision

    return Exists(Decision.objects.filter(item__source=source_key,
                                          item__ref=Cast(OuterRef("pk"), output_field=CharField())))


def open_followups(*, today=None):
    """Decisions with a follow-up date that no done report and no later decision has closed."""
    from .models import Decision, FollowUpReport

    done = Exists(FollowUpReport.objects.filter(decision=OuterRef("pk"), done=True))
    return (Decision.objects.filter(due__isnull=False).annotate(done=done, superseded=_decided(FOLLOWUP))
            .filter(done=False, superseded=False)
            .select_related("item__meeting", "item__project__proposal"))


def followups_waiting(*, cycle=None):
    from . import rules

    today = timezone.localdate()
    for d in open_followups().filter(due__lt=today).order_by("due", "pk"):
        if not rules.followup_overdue(due=d.due, today=today, closed=False):
            continue
        item = d.item
        if cycle is not None and item.meeting.cycle_id != cycle.pk:
            continue
        yield agenda.AgendaCandidate(
            source=FOLLOWUP, ref=str(d.pk),
            title=_("Follow-up overdue: %(item)s (%(decision)s)") % {"item": item.title, "decision": d.label},
            reason=_("Due on %(due)s, decided at “%(meeting)s”; no agency has reported it done.") % {
                "due": d.due.isoformat(), "meeting": item.meeting.title},
            url=item.meeting.get_public_url(), project_id=item.project_id, proposal_id=item.proposal_id,
            agency_ids=tuple(d.agency_ids or item.agency_ids), due=d.due,
        )


def oppositions_waiting(*, cycle=None):
    from . import rules
    from .models import Opposition, OppositionStep

    # rules.opposition_waits_for_committee, as a query: an outcome in COMMITTEE_OUTCOMES and no decision yet.
    outcome = OppositionStep.objects.filter(opposition=OuterRef("pk"), kind=OppositionStep.Kind.OUTCOME)
    rows = (Opposition.objects.filter(Exists(outcome.filter(outcome__in=rules.COMMITTEE_OUTCOMES)))
            .annotate(decided=_decided(OPPOSITION)).filter(decided=False)
            .select_related("project__proposal").prefetch_related("steps").order_by("recorded_at", "pk"))
    for o in rows:
        if cycle is not None and o.project.proposal.cycle_id != cycle.pk:
            continue
        result = next(s for s in o.steps.all() if s.kind == OppositionStep.Kind.OUTCOME)
        yield agenda.AgendaCandidate(
            source=OPPOSITION, ref=str(o.pk),
            title=_("Local opposition: %(project)s — %(summary)s") % {"project": o.project.title, "summary": o.summary},
            reason=_("Coordination outcome: %(outcome)s. Only the committee approves it.") % {
                "outcome": result.get_outcome_display()},
            url=o.get_absolute_url(), project_id=o.project_id, proposal_id=o.project.proposal_id,
            district_id=o.project.proposal.district_id, agency_ids=tuple(sorted(o.project.agency_ids())),
        )


def register() -> None:
    agenda.register(FOLLOWUP, label=_l("Overdue follow-ups of the committee's decisions"),
                    waiting=lambda *, cycle=None: list(followups_waiting(cycle=cycle)),
                    decisions=FOLLOWUP_DECISIONS)
    agenda.register(OPPOSITION, label=_l("Local opposition awaiting the committee"),
                    waiting=lambda *, cycle=None: list(oppositions_waiting(cycle=cycle)),
                    decisions=OPPOSITION_DECISIONS)
