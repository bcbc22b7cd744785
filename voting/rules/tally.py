"""Counting rules: a registry, so other rules (greedy by budget, Equal Shares) plug in beside Taipei, the
official default. The Taipei rule's tie across the cap is the same lot as the assemblies' (pbcity.lot)."""
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from pbcity.lot import Lot, admit_within_cap, random_order
from voting.counting import RULES, Election

from .ballots import APPROVAL, KNAPSACK, POINTS, RANKING, BallotSpec

__all__ = [
    "BUDGET_RULES", "COUNTING_KIND", "COUNTING_RULES", "GREEDY", "GREEDY_STOP", "MES", "MES_ADD1", "MES_ADD1_GREEDY",
    "TAIPEI", "Line", "Lot", "TallyInput", "TallyOutcome",
    "budget_rule_outcome", "competition_ranks", "counting_rule", "random_order", "taipei", "threshold_for",
]


# The rules' names, stored on a round (voting.models.Round.CountingRule gives each its label).
TAIPEI = "taipei"
GREEDY, GREEDY_STOP = "greedy", "greedy/stop"
MES, MES_ADD1, MES_ADD1_GREEDY = "mes", "mes/add1", "mes/add1+greedy"
BUDGET_RULES = (GREEDY, GREEDY_STOP, MES, MES_ADD1, MES_ADD1_GREEDY)


@dataclass
class TallyInput:
    """What a counting rule may read. `scores` is each project's total under the ballot's scoring
    (every project of the round, zeros included); `ballots` yields each ballot as {key: value} for
    rules that need whole ballots (it may be None when a caller has only totals)."""

    spec: BallotSpec
    scores: dict
    costs: dict = field(default_factory=dict)
    threshold: int = 0
    cap: int = 5
    budget: int = 0
    ballots: Callable[[], Iterable[Mapping]] | None = None


@dataclass
class Line:
    """One project's line in a result."""

    key: object
    votes: int
    rank: int
    over_threshold: bool
    in_lot: bool = False
    admitted: bool = False


@dataclass
class TallyOutcome:
    lines: list
    lot: Lot | None = None


COUNTING_RULES: dict[str, Callable[..., TallyOutcome]] = {}


def counting_rule(name: str):
    """Register a counting rule `fn(data: TallyInput, *, draw) -> TallyOutcome` under `name`."""

    def register(fn):
        COUNTING_RULES[name] = fn
        return fn

    return register


def competition_ranks(scores: Mapping) -> dict:
    """10, 8, 8, 5 -> 1, 2, 2, 4."""
    values = sorted(scores.values(), reverse=True)
    first = {}
    for i, v in enumerate(values, start=1):
        first.setdefault(v, i)
    return {k: first[v] for k, v in scores.items()}


def threshold_for(*, rule: str, value: int, eligible_population: int, override: int | None = None) -> int:
    """The votes a proposal must EXCEED: the district quota's own number, else the cycle's fixed
    number, else `value` per mille of the eligible population (rounded up; 1% = 10 per mille)."""
    if override is not None:
        return override
    if rule == "permille":
        return -(-value * eligible_population // 1000)
    return value


@counting_rule(TAIPEI)
def taipei(data: TallyInput, *, draw=random_order) -> TallyOutcome:
    """Admitted iff votes > threshold AND competition rank <= cap.

    Ties: at the threshold nothing to settle (equal to the threshold does not exceed it, so every
    such project fails alike). Across the cap, the projects over the threshold that tie at the cap
    share the places left by lot (same rule as assemblies; docs/decisions.md).
    """
    ranks = competition_ranks(data.scores)
    lines = [Line(key=k, votes=v, rank=ranks[k], over_threshold=v > data.threshold) for k, v in data.scores.items()]
    lines.sort(key=lambda x: (x.rank, str(x.key)))
    admitted, in_lot, lot = admit_within_cap(lines, cap=data.cap, qualifies=lambda x: x.over_threshold, draw=draw)
    for ln in lines:
        ln.admitted, ln.in_lot = ln.key in admitted, ln.key in in_lot
    return TallyOutcome(lines=lines, lot=lot)


# Budget rules as a round's official rule: greedy and the Method of Equal Shares (voting/counting)

# A round's ballot type as the counting rules name it (voting/counting/election.py): cost utilities for
# approval and knapsack, the points (or rank scores) for the others.
COUNTING_KIND = {APPROVAL: "approval", KNAPSACK: "knapsack", POINTS: "cumulative", RANKING: "ordinal"}


def budget_rule_outcome(name: str, data: TallyInput) -> TallyOutcome:
    """Fund what rule `name` selects within the round's budget, among projects over the threshold.

    The round's threshold acts as the minimum number of votes before counting (a project at or under it
    is not counted at all), so an admitted project is always over the threshold. The last tie-breaker is
    the ballot's project order, published before the vote (docs/decisions.md, "Counting rules").
    """
    kind = COUNTING_KIND[data.spec.kind]
    eligible = [k for k in data.scores if data.scores[k] > data.threshold]
    costs = {str(k): Fraction(data.costs.get(k, 0)) for k in eligible}
    ballots = []
    for ballot in (data.ballots() if data.ballots else ()):
        ballots.append({str(k): v for k, v in ballot.items() if str(k) in costs and v > 0})
    election = Election(budget=Fraction(data.budget), costs=costs, ballots=ballots, kind=kind)
    chosen = set(RULES[name](election).selected)
    ranks = competition_ranks(data.scores)
    lines = [Line(key=k, votes=v, rank=ranks[k], over_threshold=v > data.threshold, admitted=str(k) in chosen)
             for k, v in data.scores.items()]
    lines.sort(key=lambda x: (x.rank, str(x.key)))
    return TallyOutcome(lines=lines)


def _register_budget_rule(name: str):
    @counting_rule(name)
    def rule(data: TallyInput, *, draw=random_order) -> TallyOutcome:
        return budget_rule_outcome(name, data)

    rule.__name__ = "budget_rule_" + name.replace("/", "_").replace("+", "_")
    return rule


for _name in BUDGET_RULES:
    _register_budget_rule(_name)
