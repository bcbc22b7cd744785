"""Who else is told that a ballot was accepted: a registry that higher apps fill from AppConfig.ready
(the shape of pbcity/follows.py; voting imports none of them).

The mobilisation app records the request's coarse network and device here (mobilisation/services.py,
`cast_trace_record`); it is told nothing about the ballot. An observer's failure never fails a vote.
"""
import logging
from collections.abc import Callable

log = logging.getLogger("voting.observers")

_cast: list[Callable] = []


def on_cast(fn: Callable) -> Callable:
    """Register `fn(*, request, round_id)`, called after a new ballot was stored (never for a replay)."""
    if fn not in _cast:
        _cast.append(fn)
    return fn


def cast_accepted(*, request, round_id: int) -> None:
    for fn in _cast:
        try:
            fn(request=request, round_id=round_id)
        except Exception:  # noqa: BLE001 - the ballot is stored; a trace is not worth an error page
            log.exception("cast observer %s failed", getattr(fn, "__name__", fn))
