"""What needs the committee's PB group: each app that owns such a thing registers a source here from its
AppConfig.ready; the meetings (accountability) build their agenda from the sources and hand each item's decision
back to the source that owns it (docs/decisions.md, "Accountability").

The base imports no app (DESIGN.md, layers), so an agenda item names its source and a reference inside
it; the owning app answers the three questions the meetings cannot: what is waiting, what may be decided,
and what a decision does.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class AgendaCandidate:
    """One thing waiting for the committee: a disputed change, a closure request, a red flag …"""

    source: str  # the registered source key, e.g. "tracking.change"
    ref: str  # the thing's id inside its source (str(pk))
    title: str  # what the agenda shows, in the reader's language
    reason: str  # why it needs the committee ("the proposer disagrees", "overdue report")
    url: str = ""  # where members read it
    project_id: int | None = None
    proposal_id: int | None = None
    district_id: int | None = None
    agency_ids: tuple[int, ...] = ()  # agencies expected to attend and report
    due: date | None = None


@dataclass(frozen=True)
class AgendaSource:
    key: str
    label: str  # lazy translated, e.g. "Disputed changes"
    # (*, cycle=None) -> iterable of AgendaCandidate now waiting (cycle is a pbcity.Cycle or None for all)
    waiting: Callable[..., Iterable[AgendaCandidate]]
    # the decision codes a meeting may record for this source, with labels: (("approve", _("Approve")), …)
    decisions: tuple[tuple[str, str], ...] = ()
    # (*, ref, decision, reason, by, meeting_item_id, due=None, agencies=()) -> None. Called inside the
    # meeting's transaction when the committee decides the item; raises ValidationError/PermissionDenied to
    # refuse. None: the decision is recorded by the meeting only.
    decide: Callable[..., None] | None = None
    extra: dict = field(default_factory=dict)


_registry: dict[str, AgendaSource] = {}


def register(key: str, *, label, waiting: Callable, decisions=(), decide: Callable | None = None) -> None:
    _registry[key] = AgendaSource(key=key, label=label, waiting=waiting, decisions=tuple(decisions), decide=decide)


def source(key: str) -> AgendaSource | None:
    return _registry.get(key)


def sources() -> list[AgendaSource]:
    return list(_registry.values())


def waiting(*, cycle=None) -> list[AgendaCandidate]:
    """Everything every source says is waiting for the committee now."""
    return [item for src in _registry.values() for item in src.waiting(cycle=cycle)]
