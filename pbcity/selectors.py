import datetime

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from pbcity import search
from pbcity.models import (
    FIXED_DELIVERY,
    Cycle,
    Delivery,
    Follow,
    NotificationKind,
    NotificationPreference,
    TaskFailure,
)


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


def cycle_from_query(query, *, newest_by_default: bool = False) -> tuple[list[Cycle], Cycle | None]:
    """Every cycle (newest first) and the one `?cycle=<year>` names: without it None (a page over all cycles)
    or the newest (a page about one cycle); a year that names no cycle is a 404, never a silent default."""
    cycles = list(Cycle.objects.all())
    year = query.get("cycle", "")
    if not year:
        return cycles, (cycles[0] if cycles and newest_by_default else None)
    cycle = next((c for c in cycles if str(c.year) == year), None)
    if cycle is None:
        raise Http404
    return cycles, cycle


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


# --- Notifications: preferences, follows, the grouped inbox -------------------------------------

def notification_delivery_for(*, user, kind: str) -> str:
    """How `kind` reaches `user`: a fixed kind's way, else their choice, else an immediate e-mail."""
    fixed = FIXED_DELIVERY.get(kind)
    if fixed is not None:
        return fixed
    chosen = NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    return chosen or Delivery.IMMEDIATE


def notification_preferences(*, user) -> list[dict]:
    """Every kind with the person's way of receiving it and whether they may change it (the settings page)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [{"kind": kind.value, "label": kind.label, "delivery": FIXED_DELIVERY.get(kind) or chosen.get(kind.value,
             Delivery.IMMEDIATE), "fixed": kind in FIXED_DELIVERY} for kind in NotificationKind]


def followers(*, kind: str, target_id: int):
    """The active people who follow one proposal, project or round."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(follows__target_kind=kind, follows__target_id=target_id, is_active=True)
            .order_by("pk"))


def is_following(*, user, kind: str, target_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, target_kind=kind, target_id=target_id).exists()


def follows_of(*, user) -> list[dict]:
    """What `user` follows, newest first, with each thing's title and page (one query per kind)."""
    from pbcity.follows import followable

    rows = list(Follow.objects.filter(user=user))
    described = {}
    for kind in {r.target_kind for r in rows}:
        entry = followable(kind)
        if entry is not None:
            ids = [r.target_id for r in rows if r.target_kind == kind]
            described.update({(kind, pk): (entry, d) for pk, d in entry.describe(ids).items()})
    out = []
    for r in rows:
        found = described.get((r.target_kind, r.target_id))
        if found is None:  # gone, or no longer visible
            continue
        entry, (title, url) = found
        out.append({"kind": r.target_kind, "kind_label": entry.label, "id": r.target_id, "title": title, "url": url,
                    "since": r.created_at,
                    "concerned": bool(entry.concerned and entry.concerned(r.target_id, user))})
    return out


def inbox_groups(*, notes) -> list[dict]:
    """Notifications (newest first) grouped by what they are about, a group per proposal, project or round.

    Groups keep the order of their newest item; items without a topic form one group of their own
    ("Other messages") at the place of its newest item. Titles come from the owning app (one query per kind).
    """
    from pbcity.follows import followable

    notes = list(notes)
    by_kind: dict[str, set[int]] = {}
    for n in notes:
        if n.topic and ":" in n.topic:
            kind, _sep, pk = n.topic.partition(":")
            if pk.isdigit():
                by_kind.setdefault(kind, set()).add(int(pk))
    titles = {}
    for kind, ids in by_kind.items():
        entry = followable(kind)
        if entry is not None:
            titles.update({f"{kind}:{pk}": (entry.label, title, url)
                           for pk, (title, url) in entry.describe(sorted(ids)).items()})
    groups: dict[str, dict] = {}
    for n in notes:
        topic = n.topic if n.topic in titles else ""
        group = groups.get(topic)
        if group is None:
            label, title, url = titles.get(topic, ("", "", ""))
            group = groups[topic] = {"topic": topic, "kind_label": label, "title": title, "url": url, "items": []}
        group["items"].append(n)
    return list(groups.values())


def inbox_notifications(*, user, text: str = ""):
    """A person's messages, newest first; those whose subject or text hold `text` if given (pbcity.search:
    one person's inbox is small, so `icontains` per token serves without an index)."""
    return search.matching(user.notifications.all(), text, fields=("subject", "body"))
