import datetime

from django.db.models import Count
from django.utils import timezone

from pbcity import search
from pbcity.models import Cycle, TaskFailure


def cycle_current(*, today: datetime.date | None = None) -> Cycle | None:
    """The cycle whose calendar contains today, else the latest one that has started, else the newest."""
    today = today or timezone.localdate()
    cycles = list(Cycle.objects.prefetch_related("phases"))
    for c in cycles:
        phases = list(c.phases.all())
        if phases and min(p.starts_on for p in phases) <= today <= max(p.ends_on for p in phases):
            return c
    started = [c for c in cycles if any(p.starts_on <= today for p in c.phases.all())]
    if started:
        return max(started, key=lambda c: c.year)
    return cycles[0] if cycles else None


def cycle_calendar(*, cycle: Cycle, today: datetime.date | None = None) -> list[dict]:
    """The cycle's phases in order, each marked past, current or upcoming."""
    today = today or timezone.localdate()
    rows = []
    for ph in sorted(cycle.phases.all(), key=lambda p: (p.starts_on, p.pk)):
        status = "past" if ph.ends_on < today else "current" if ph.starts_on <= today else "upcoming"
        rows.append({"phase": ph, "status": status})
    return rows


def cycle_state_counts(*, cycle: Cycle) -> dict[str, int]:
    # Only what anyone may see (proposals.models.ProposalQuerySet.public: ever raised).
    return dict(cycle.proposals.public().values_list("state").annotate(n=Count("id")).order_by())


def task_failures_open():
    """Failed background tasks nobody has resolved yet, newest first."""
    return TaskFailure.objects.filter(resolved_at__isnull=True)


def inbox_notifications(*, user, text: str = ""):
    """A person's messages, newest first; those whose subject or text hold `text` if given (pbcity.search:
    one person's inbox is small, so `icontains` per token serves without an index)."""
    return search.matching(user.notifications.all(), text, fields=("subject", "body"))
