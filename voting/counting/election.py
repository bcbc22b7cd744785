"""What every counting rule reads: projects with costs, a budget, and ballots as utilities.

A ballot is a mapping project id → a positive integer:
- approval and knapsack ballots: 1 for every project chosen;
- points (cumulative) ballots: the points given;
- ranking ballots: the score the declared vector gives the rank (e.g. 3-2-1 → first choice 3).
Rules never see voters' identities, only the ballots in a fixed order (their index explains the
per-voter spending of the Method of Equal Shares).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

APPROVAL = "approval"
KNAPSACK = "knapsack"
POINTS = "cumulative"
SCORING = "scoring"
RANKING = "ordinal"
KINDS = (APPROVAL, KNAPSACK, POINTS, SCORING, RANKING)
# Ballot kinds whose utility for MES is the project's cost (the voter wants the money spent on it);
# for the others the points themselves are the utility (docs/decisions.md, "Counting rules").
COST_UTILITY_KINDS = frozenset({APPROVAL, KNAPSACK})


class ElectionError(ValueError):
    """An election that no rule can count (negative cost, unknown project on a ballot, …)."""


@dataclass(frozen=True)
class Election:
    budget: Fraction
    costs: Mapping[str, Fraction]
    ballots: Sequence[Mapping[str, int]]
    kind: str = APPROVAL
    # The recorded lot: project ids in the order drawn, the last tie-breaker. Defaults to the order of
    # `costs` (the file's or the round's project order) when no lot was drawn.
    lot: Sequence[str] = field(default=())

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ElectionError(f"unknown ballot kind {self.kind!r}")
        if self.budget < 0:
            raise ElectionError("the budget cannot be negative")
        for pid, cost in self.costs.items():
            if cost < 0:
                raise ElectionError(f"project {pid}: the cost cannot be negative")
        for i, ballot in enumerate(self.ballots):
            for pid, value in ballot.items():
                if pid not in self.costs:
                    raise ElectionError(f"ballot {i + 1}: unknown project {pid!r}")
                if value <= 0:
                    raise ElectionError(f"ballot {i + 1}: project {pid!r} has a non-positive value {value}")
        if self.lot and sorted(self.lot) != sorted(self.costs):
            raise ElectionError("the lot must list every project exactly once")

    @property
    def projects(self) -> list[str]:
        return list(self.costs)

    def lot_rank(self) -> dict[str, int]:
        order = list(self.lot) if self.lot else list(self.costs)
        return {pid: i for i, pid in enumerate(order)}

    def votes(self) -> dict[str, int]:
        """How many ballots name each project (support, whatever the ballot kind)."""
        counts = {pid: 0 for pid in self.costs}
        for ballot in self.ballots:
            for pid in ballot:
                counts[pid] += 1
        return counts

    def scores(self) -> dict[str, int]:
        """The sum of the ballots' values per project: votes, points or rank scores."""
        totals = {pid: 0 for pid in self.costs}
        for ballot in self.ballots:
            for pid, value in ballot.items():
                totals[pid] += value
        return totals

    def tie_key(self):
        """The documented tie order: lower cost, then more votes, then the recorded lot."""
        votes, rank = self.votes(), self.lot_rank()
        return lambda pid: (self.costs[pid], -votes[pid], rank[pid])


@dataclass
class Outcome:
    rule: str
    selected: list[str]
    cost: Fraction
    budget: Fraction
    # Per voter (ballot index), what they paid towards the selected projects (MES only).
    spending: list[Fraction] | None = None
    # Per selected project, how it was chosen (e.g. "MES ρ=3/40", "greedy 1,203 votes", "Add1 budget").
    notes: dict[str, str] = field(default_factory=dict)

    def voters_served(self, election: Election) -> int:
        """Voters with at least one project they voted for among the selected."""
        chosen = set(self.selected)
        return sum(1 for b in election.ballots if chosen.intersection(b))
