"""The evaluation report's formulas, as pure functions (docs/decisions.md, "Evaluation report").

Each figure of the report is one of these; its formula is written out in the report's appendix
(evaluation/texts.py). The fairness figures follow pabutools' definitions exactly, so that the
tests can compare them with `pabutools.analysis` on the same elections:

- a ballot is the set of projects it names (approval view of any ballot kind: a project given
  points or a rank is "chosen");
- a voter's satisfaction is the cost of the funded projects they chose (pabutools `Cost_Sat`);
- "non-empty-handed" is the share of voters with at least one funded project they chose
  (`percent_non_empty_handed`, i.e. the mean of `CC_Sat`);
- the Gini coefficient is pabutools' `gini_coefficient` (0 when everyone has nothing);
- category proportionality is `category_proportionality`: exp(−mean over categories of the squared
  difference between the category's share of the funded money and its average share of a ballot's money).
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

# Age bands of the population table and of the report (the vote's minimum age is 16).
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
_BAND_STARTS = (16, 25, 35, 45, 55, 65)


class RuleError(ValueError):
    """Input no formula can use (negative amount, unknown project on a ballot, …)."""


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Whole years between `birth` and `day` (a 29 February birthday counts on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: datetime.date | None, day: datetime.date) -> str | None:
    """The band of someone born on `birth` on `day`; None when unknown or under 16."""
    if birth is None:
        return None
    age = age_on(birth, day)
    band = None
    for start, label in zip(_BAND_STARTS, AGE_BANDS, strict=True):
        if age >= start:
            band = label
    return band


def share(part: int | float, whole: int | float) -> float | None:
    """part ÷ whole, or None when the whole is zero (a share of nothing is not 0 %)."""
    if part < 0 or whole < 0:
        raise RuleError("a share of negative amounts is undefined")
    if part > whole:
        raise RuleError("a part cannot exceed its whole")
    return None if whole == 0 else part / whole


def shares(counts: Mapping[str, int]) -> dict[str, float | None]:
    """Each key's share of the total (None for every key when the total is zero)."""
    total = sum(counts.values())
    return {k: share(v, total) for k, v in counts.items()}


def gap(observed: float | None, expected: float | None) -> float | None:
    """Representation gap: observed share minus the population's share (None if either is unknown)."""
    return None if observed is None or expected is None else observed - expected


def gini(values: Iterable[int | float | Fraction]) -> float:
    """Gini coefficient of non-negative values, as pabutools computes it; 0 for none or all zero."""
    values = [Fraction(v) for v in values]
    if any(v < 0 for v in values):
        raise RuleError("the Gini coefficient is defined for non-negative values only")
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    cum = sum(v * (n - i) for i, v in enumerate(sorted(values)))
    return float((n + 1 - 2 * cum / total) / n)


def _check(ballots: Sequence[Iterable[str]], costs: Mapping[str, int | Fraction]) -> list[frozenset]:
    if any(c < 0 for c in costs.values()):
        raise RuleError("a project cannot cost less than nothing")
    out = []
    for i, ballot in enumerate(ballots):
        b = frozenset(ballot)
        unknown = b - costs.keys()
        if unknown:
            raise RuleError(f"ballot {i + 1} names an unknown project {sorted(unknown)[0]!r}")
        out.append(b)
    return out


def satisfactions(ballots: Sequence[Iterable[str]], funded: Iterable[str],
                  costs: Mapping[str, int | Fraction]) -> list[Fraction]:
    """Each ballot's satisfaction: the cost of the funded projects it chose (pabutools Cost_Sat)."""
    funded = frozenset(funded)
    return [sum((Fraction(costs[p]) for p in b & funded), Fraction(0)) for b in _check(ballots, costs)]


def avg_satisfaction(ballots, funded, costs) -> float | None:
    """Mean satisfaction over the ballots; None when nobody voted."""
    sats = satisfactions(ballots, funded, costs)
    return float(sum(sats) / len(sats)) if sats else None


def satisfaction_gini(ballots, funded, costs) -> float:
    """Gini coefficient of the voters' satisfactions (0 = everyone equally served)."""
    return gini(satisfactions(ballots, funded, costs))


def non_empty_handed(ballots, funded, costs) -> float | None:
    """Share of voters with at least one funded project they chose; None when nobody voted."""
    funded = frozenset(funded)
    checked = _check(ballots, costs)
    return sum(1 for b in checked if b & funded) / len(checked) if checked else None


def category_proportionality(ballots, funded, costs, categories: Mapping[str, Iterable[str]]) -> float | None:
    """exp(−mean squared difference between funded and voted money shares per category).

    1 = the money went to categories exactly as voters spread theirs. None when no project has a
    category or when a ballot names only projects that cost nothing (pabutools refuses those); 0 when
    nothing is funded (pabutools' convention).
    """
    cats = sorted({c for p in costs for c in categories.get(p, ())})
    checked = _check(ballots, costs)
    if not cats or not checked:
        return None
    funded = [p for p in costs if p in frozenset(funded)]
    if not funded:
        return 0.0
    funded_total = sum(Fraction(costs[p]) for p in funded)
    if funded_total == 0:
        return None
    alloc = {c: sum(Fraction(costs[p]) for p in funded if c in categories.get(p, ())) / funded_total for c in cats}
    voted = dict.fromkeys(cats, Fraction(0))
    for b in checked:
        total = sum(Fraction(costs[p]) for p in b)
        if total == 0:
            return None
        for c in cats:
            voted[c] += sum(Fraction(costs[p]) for p in b if c in categories.get(p, ())) / total
    mean_sq = sum((alloc[c] - voted[c] / len(checked)) ** 2 for c in cats) / len(cats)
    return math.exp(-float(mean_sq))


def completion_rate(*, completed: int, total: int) -> float | None:
    """Completed projects ÷ projects of the cycle (None without projects)."""
    return share(completed, total)


def execution_rate(*, executed: int, approved: int) -> float | None:
    """Executed budget ÷ approved budget; may exceed 1 (an overspend is shown, not hidden)."""
    if executed < 0 or approved < 0:
        raise RuleError("budget amounts cannot be negative")
    return None if approved == 0 else executed / approved


def per_resident(amount: int, residents: int) -> float | None:
    """Money ÷ residents (None when the population is unknown or zero)."""
    if amount < 0 or residents < 0:
        raise RuleError("amounts and populations cannot be negative")
    return None if not residents else amount / residents


def pairwise_agreement(lights: Sequence[str]) -> float | None:
    """Share of pairs of members who gave the same light to one indicator of one proposal.

    None with fewer than two members (agreement needs a pair).
    """
    n = len(lights)
    if n < 2:
        return None
    same = sum(1 for i in range(n) for j in range(i + 1, n) if lights[i] == lights[j])
    return same / (n * (n - 1) // 2)


def median(values: Sequence[int | float]) -> float | None:
    """Middle value (mean of the two middle ones); None for none."""
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2
