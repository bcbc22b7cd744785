"""When a proposer last took part: each app above proposals that records a proposer's answers or attendance
registers a function here from its AppConfig.ready (like pbcity/follows.py), so `proposals` never imports
assemblies or tracking (DESIGN.md, layers).

A function takes (*, user_id, proposal_ids) and returns {proposal_id: datetime} for the proposals where the
user last answered or attended something (missing ids: nothing recorded).
"""
from collections.abc import Callable

_registry: dict[str, Callable] = {}


def register(key: str, last_activity: Callable) -> None:
    _registry[key] = last_activity


def last_activity(*, user_id: int, proposal_ids) -> dict:
    """The latest time, over every registered source, per proposal id."""
    latest: dict = {}
    for fn in _registry.values():
        for pid, when in fn(user_id=user_id, proposal_ids=list(proposal_ids)).items():
            if when is not None and (pid not in latest or when > latest[pid]):
                latest[pid] = when
    return latest


def sources() -> list[str]:
    return list(_registry)
