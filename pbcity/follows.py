"""What can be followed: each app that owns a followable thing registers it here from its AppConfig.ready.

The base imports no app (DESIGN.md, layers), so `Follow` stores a kind and an id; the owning app
answers the two questions the base cannot: may this person follow it, and what is it called.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Followable:
    kind: str
    label: str  # lazy translated, e.g. "Proposal"
    # (target_id, user) -> the target exists and the user may follow it (sees it).
    can_follow: Callable
    # list of ids -> {id: (title, url)} for the ones that exist and are still followable
    describe: Callable
    # (target_id, user) -> the user receives its news anyway (a proposer); they may not unfollow.
    concerned: Callable | None = None


_registry: dict[str, Followable] = {}


def register(kind: str, *, label, can_follow: Callable, describe: Callable, concerned: Callable | None = None) -> None:
    _registry[kind] = Followable(kind=kind, label=label, can_follow=can_follow, describe=describe,
                                 concerned=concerned)


def followable(kind: str) -> Followable | None:
    return _registry.get(kind)


def kinds() -> list[str]:
    return list(_registry)


def topic(kind: str, target_id: int) -> str:
    """The notification topic of a followable thing ("proposal:12"): the inbox groups by it."""
    return f"{kind}:{target_id}"
