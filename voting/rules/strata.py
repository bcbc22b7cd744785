"""Coarse traits sealed inside a ballot, and the rule that keeps them coarse once the box is opened
(docs/security.md, "Mobilisation flags and ballot secrecy").

At casting, the ballot's plaintext carries two small numbers besides the choices: the day of the vote
on which it was cast (0 = the opening day, Taipei time) and the voter's age band (`AGE_BANDS`, age on
the opening day). Nobody reads them before the box is opened. At opening, they never reach the board:
they are only counted — ballots per group and, per project, ballots choosing it per group — and a group
is kept only when at least `STRATUM_MIN` ballots share it; smaller groups are merged with their
neighbours first. Day and age are counted apart (never jointly), so no count narrows a ballot to fewer
than `STRATUM_MIN` voters.
"""
import datetime

STRATUM_MIN = 10
# Age bands of the ballot (the same as the turnout page's): (lowest age, highest age or None).
AGE_BANDS = ((16, 19), (20, 29), (30, 39), (40, 49), (50, 64), (65, None))


def age_on(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: datetime.date, on: datetime.date) -> int:
    """The index of the birth date's band in `AGE_BANDS` on that day; -1 under the first band."""
    age = age_on(birth, on)
    for i, (lo, hi) in enumerate(AGE_BANDS):
        if age >= lo and (hi is None or age <= hi):
            return i
    return -1


def ballot_traits(*, birth_date: datetime.date, opens_on: datetime.date, today: datetime.date) -> list[int]:
    """What a ballot carries besides its choices: [day of the vote (0 = opening day), age band]."""
    return [max((today - opens_on).days, 0), age_band(birth_date, opens_on)]


def groups_merge(counts: dict[int, int], *, k: int = STRATUM_MIN) -> list[tuple[int, int]]:
    """Adjacent buckets merged into groups of at least `k` ballots: [(first bucket, last bucket), …].

    `counts` maps a bucket index (day or age band, 0 and up) to its ballots. Buckets are taken in order
    and merged until the group holds `k`; a short last group joins the one before it. Fewer than `k`
    ballots in all: no group at all (nothing is kept). Empty buckets inside a group are covered by it.
    """
    buckets = sorted(b for b, n in counts.items() if b >= 0 and n > 0)
    if sum(counts[b] for b in buckets) < k:
        return []
    groups: list[list[int]] = []
    size = 0
    for b in buckets:
        if groups and size < k:
            groups[-1][1] = b
        else:
            groups.append([b, b])
            size = 0
        size += counts[b]
    if size < k and len(groups) > 1:
        last = groups.pop()
        groups[-1][1] = last[1]
    return [(lo, hi) for lo, hi in groups]


def group_of(bucket: int, groups: list[tuple[int, int]]) -> tuple[int, int] | None:
    for lo, hi in groups:
        if lo <= bucket <= hi:
            return lo, hi
    return None


__all__ = ["AGE_BANDS", "STRATUM_MIN", "age_band", "age_on", "ballot_traits", "group_of", "groups_merge"]
