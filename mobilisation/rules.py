"""When a pattern of votes is a mobilisation flag: pure functions the services and tests share
(docs/decisions.md, "Mobilisation flags").

Every flag compares what happened with what chance would give, and states three numbers: the
**value** measured, the **baseline** chance would give, and the **threshold** the value had to reach to
be flagged for the numbers at hand. Two tests, both with a floor of plain size so that tiny counts are
never flagged however unlikely they look:

- `excess(x, n, share)` — a group's share of some votes (x of n) against its share elsewhere (`share`):
  votes for an item from one village against the village's share of the room; a project's ballots cast
  on the last day against the last day's share of all ballots; voters of project P who also chose Q
  against Q's share of all ballots. Raised when x ≥ `min_count`, x/n ≥ `min_lift` × share and the
  exact binomial upper tail P(X ≥ x | n, share) ≤ `alpha`.
- `burst(count, expected)` — a count in a window (sign-ins in five minutes, participations from one
  network in an hour) against the count expected there. Raised when count ≥ `min_count` and the Poisson
  upper tail P(X ≥ count | expected) ≤ `alpha`.

A flag is a reason to look, not a finding: a village association that came together, a school class
that voted in the last hour, or a mobile operator sharing one network prefix all raise flags; the
review says which it was.
"""
import math
from dataclasses import dataclass

# Assemblies are small rooms: a bloc needs 5 votes and half of the item's votes, and a 1-in-1,000 tail.
BLOC = {"min_count": 5, "min_share": 0.5, "min_lift": 1.5, "alpha": 1e-3}
# Sign-ins: 15 in five minutes, at a rate chance would give once in 10,000.
SIGNIN_BURST = {"min_count": 15, "alpha": 1e-4}
SIGNIN_WINDOW_MINUTES = 5
# One staff member's sign-ins within this many minutes of the first one are one group.
STAFF_CLUSTER_MINUTES = 10
# The vote: thousands of ballots, so a tail of 1 in 100,000 and a floor of 20 (10 per project group).
NETWORK_BURST = {"min_count": 20, "alpha": 1e-5}
NETWORK_WINDOW_MINUTES = 60
OFFICE = {"min_count": 20, "min_share": 0.0, "min_lift": 1.5, "alpha": 1e-5}
LAST_DAY = {"min_count": 10, "min_share": 0.0, "min_lift": 1.5, "alpha": 1e-5}
AGE = {"min_count": 10, "min_share": 0.0, "min_lift": 1.5, "alpha": 1e-5}
BUNDLE = {"min_count": 10, "min_share": 0.0, "min_lift": 1.5, "alpha": 1e-5}


@dataclass(frozen=True)
class Measure:
    raised: bool
    value: float  # what was measured (a share, or a count)
    baseline: float  # what chance gives (a share, or an expected count)
    threshold: float  # the smallest value that would have been flagged with these numbers
    tail: float  # P(at least this much | chance)


def _log_binom_pmf(k: int, n: int, p: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)


def binomial_tail(x: int, n: int, p: float) -> float:
    """P(X ≥ x) for X ~ Binomial(n, p), summed from x upwards (exact, no normal approximation)."""
    if x <= 0:
        return 1.0
    if x > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    if x <= n * p:  # at or below the mean: the complement has fewer terms
        return max(0.0, 1.0 - sum(math.exp(_log_binom_pmf(k, n, p)) for k in range(0, x)))
    total = 0.0
    for k in range(x, n + 1):
        term = math.exp(_log_binom_pmf(k, n, p))
        total += term
        if k > n * p and term < total * 1e-17:
            break
    return min(total, 1.0)


def poisson_tail(count: int, expected: float) -> float:
    """P(X ≥ count) for X ~ Poisson(expected)."""
    if count <= 0:
        return 1.0
    if expected <= 0.0:
        return 0.0
    total, k = 0.0, count
    while True:
        term = math.exp(k * math.log(expected) - expected - math.lgamma(k + 1))
        total += term
        if (k > expected and term < total * 1e-17) or k > count + 10_000:
            return min(total, 1.0)
        k += 1


def _min_excess_count(n: int, share: float, *, min_count: int, min_share: float, min_lift: float,
                      alpha: float) -> int | None:
    """The smallest x of n that `excess` raises (None: no count of n is enough)."""
    floor = max(min_count, math.ceil(n * min_share - 1e-9), math.ceil(n * share * min_lift - 1e-9))
    lo, hi = floor, n
    if lo > n or binomial_tail(n, n, share) > alpha:
        return None
    while lo < hi:  # the tail falls as x grows: bisect
        mid = (lo + hi) // 2
        if binomial_tail(mid, n, share) <= alpha:
            hi = mid
        else:
            lo = mid + 1
    return lo


def excess(x: int, n: int, share: float, *, min_count: int, min_share: float = 0.0, min_lift: float,
           alpha: float) -> Measure:
    """x of n votes from one group whose share elsewhere is `share` (see the module docstring)."""
    value = x / n if n else 0.0
    tail = binomial_tail(x, n, share) if n else 1.0
    least = _min_excess_count(n, share, min_count=min_count, min_share=min_share, min_lift=min_lift,
                              alpha=alpha) if n else None
    threshold = least / n if least is not None else 1.0
    raised = least is not None and x >= least
    return Measure(raised=raised, value=value, baseline=share, threshold=threshold, tail=tail)


def burst(count: int, expected: float, *, min_count: int, alpha: float) -> Measure:
    """`count` in a window where chance gives `expected` (see the module docstring)."""
    least = max(min_count, math.floor(expected) + 1)
    while poisson_tail(least, expected) > alpha:
        least += max(1, least // 8)
    # step back to the smallest count that passes (the jumps above may overshoot)
    while least - 1 >= max(min_count, math.floor(expected) + 1) and poisson_tail(least - 1, expected) <= alpha:
        least -= 1
    return Measure(raised=count >= least, value=float(count), baseline=expected, threshold=float(least),
                   tail=poisson_tail(count, expected))


def busiest_window(times: list, minutes: int) -> tuple[int, object]:
    """The most events within any `minutes` window of sorted datetimes: (count, the window's first event)."""
    import datetime

    span = datetime.timedelta(minutes=minutes)
    best, start, j = 0, None, 0
    for i, t in enumerate(times):
        while times[j] <= t - span:
            j += 1
        if i - j + 1 > best:
            best, start = i - j + 1, times[j]
    return best, start


def staff_clusters(sign_ins: list, minutes: int = STAFF_CLUSTER_MINUTES) -> dict:
    """Group sign-ins [(attendee, staff, time)] into clusters: one staff member's sign-ins within `minutes`
    of the cluster's first. Returns {attendee: (staff, first time)}."""
    import datetime

    span = datetime.timedelta(minutes=minutes)
    out, current = {}, {}
    for attendee, staff, at in sorted(sign_ins, key=lambda s: (s[2], str(s[0]))):
        first = current.get(staff)
        if first is None or at - first > span:
            current[staff] = first = at
        out[attendee] = (staff, first)
    return out


__all__ = ["AGE", "BLOC", "BUNDLE", "LAST_DAY", "NETWORK_BURST", "NETWORK_WINDOW_MINUTES", "OFFICE", "SIGNIN_BURST",
           "SIGNIN_WINDOW_MINUTES", "STAFF_CLUSTER_MINUTES", "Measure", "binomial_tail", "burst", "busiest_window",
           "excess", "poisson_tail", "staff_clusters"]
