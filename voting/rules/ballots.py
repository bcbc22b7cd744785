"""Ballots (docs/decisions.md, "Voting: rounds and ballots"): what a valid ballot of each type is, and the
score each stored choice gives its project."""
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "APPROVAL", "BALLOT_TYPES", "KNAPSACK", "POINTS", "RANKING", "BallotInvalid", "BallotSpec", "ballot_validate",
    "score_of_value", "spec_problems",
]

APPROVAL = "approval"  # choose min..max projects (Taipei: 1 to 5)
POINTS = "points"  # distribute up to `points` points, at most `max_per_project` each
KNAPSACK = "knapsack"  # choose projects whose costs fit within `budget`
RANKING = "ranking"  # rank min..max projects; rank r earns score_vector[r - 1]
BALLOT_TYPES = (APPROVAL, POINTS, KNAPSACK, RANKING)


@dataclass(frozen=True)
class BallotSpec:
    """A round's ballot rules. `value` stored per chosen project: 1 (approval, knapsack), the
    points given (points) or the rank, 1 = first (ranking)."""

    kind: str = APPROVAL
    min_choices: int = 1
    max_choices: int = 5
    points: int = 0
    max_per_project: int = 0
    budget: int = 0
    score_vector: tuple = ()


class BallotInvalid(ValueError):
    """A ballot breaks its round's rules; `code` and `params` let the caller word the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def spec_problems(spec: BallotSpec, *, n_projects: int) -> list[str]:
    """Why a round's ballot rules are unusable (empty list when fine); checked before a round opens."""
    out = []
    if spec.kind not in BALLOT_TYPES:
        return ["unknown_type"]
    if spec.min_choices < 1 or spec.max_choices < spec.min_choices:
        out.append("choices_range")
    if n_projects and spec.min_choices > n_projects:
        out.append("min_exceeds_projects")
    if spec.kind == POINTS and (spec.points < 1 or spec.max_per_project < 1):
        out.append("points_missing")
    if spec.kind == KNAPSACK and spec.budget < 1:
        out.append("budget_missing")
    if spec.kind == RANKING:
        v = list(spec.score_vector)
        if not v or any(not isinstance(s, int) or s < 0 for s in v) or v != sorted(v, reverse=True) or v[0] < 1:
            out.append("score_vector")
        elif spec.max_choices > len(v):
            out.append("score_vector_short")
    return out


def ballot_validate(spec: BallotSpec, choices: Mapping, *, projects: Mapping) -> dict:
    """The ballot as {project key: value}, or BallotInvalid. `projects` maps key -> cost (NTD)."""
    chosen = {}
    for key, value in choices.items():
        if key not in projects:
            raise BallotInvalid("unknown_project")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BallotInvalid("bad_value")
        if value:
            chosen[key] = value
    n = len(chosen)
    if spec.kind == POINTS:
        total = sum(chosen.values())
        if total < 1:
            raise BallotInvalid("too_few", min=spec.min_choices, max=spec.max_choices)
        if any(v > spec.max_per_project for v in chosen.values()):
            raise BallotInvalid("too_many_points_each", max=spec.max_per_project)
        if total > spec.points:
            raise BallotInvalid("too_many_points", points=spec.points, given=total)
    elif any(v != 1 for v in chosen.values()) and spec.kind != RANKING:
        raise BallotInvalid("bad_value")
    if n < spec.min_choices:
        raise BallotInvalid("too_few", min=spec.min_choices, max=spec.max_choices)
    if n > spec.max_choices:
        raise BallotInvalid("too_many", min=spec.min_choices, max=spec.max_choices)
    if spec.kind == KNAPSACK:
        cost = sum(projects[k] or 0 for k in chosen)
        if cost > spec.budget:
            raise BallotInvalid("over_budget", budget=spec.budget, cost=cost)
    if spec.kind == RANKING and sorted(chosen.values()) != list(range(1, n + 1)):
        raise BallotInvalid("bad_ranks")
    return chosen


def score_of_value(spec: BallotSpec, value: int) -> int:
    """The score of one stored (project, value) pair; used by the tally's SQL-free paths."""
    if spec.kind == POINTS:
        return value
    if spec.kind == RANKING:
        return spec.score_vector[value - 1]
    return 1
