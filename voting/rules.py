"""The voting stage's SOP rules as pure functions (the shape of assemblies/rules.py).

Sections: ballots (what a valid ballot of each type is, and the score it gives each project),
counting rules (a registry; the Taipei admission rule is the official default). Eligibility rules
(V1) live in their own section below.
"""
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

# =============================================================================================
# Ballots (docs/decisions.md, "Voting: rounds and ballots")
# =============================================================================================

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


def ballot_scores(spec: BallotSpec, chosen: Mapping) -> dict:
    """What one valid ballot adds to each project's score under the ballot's own scoring."""
    if spec.kind == POINTS:
        return dict(chosen)
    if spec.kind == RANKING:
        return {k: spec.score_vector[r - 1] for k, r in chosen.items()}
    return {k: 1 for k in chosen}


def score_of_value(spec: BallotSpec, value: int) -> int:
    """The score of one stored (project, value) pair; used by the tally's SQL-free paths."""
    if spec.kind == POINTS:
        return value
    if spec.kind == RANKING:
        return spec.score_vector[value - 1]
    return 1


# =============================================================================================
# Counting rules: a registry, so other rules (greedy by budget, Equal Shares) plug in beside Taipei
# =============================================================================================

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
class Lot:
    """A tie across the admission cap settled by lot: the tied votes, places left, drawn order."""

    votes: int
    slots: int
    drawn_order: list


@dataclass
class TallyOutcome:
    lines: list
    lot: Lot | None = None


def random_order(keys: list) -> list:
    return secrets.SystemRandom().sample(keys, len(keys))


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


@counting_rule("taipei")
def taipei(data: TallyInput, *, draw=random_order) -> TallyOutcome:
    """Admitted iff votes > threshold AND competition rank <= cap.

    Ties: at the threshold nothing to settle (equal to the threshold does not exceed it, so every
    such project fails alike). Across the cap, the projects over the threshold that tie at the cap
    share the places left by lot (same rule as assemblies; docs/decisions.md).
    """
    ranks = competition_ranks(data.scores)
    lines = [Line(key=k, votes=v, rank=ranks[k], over_threshold=v > data.threshold) for k, v in data.scores.items()]
    lines.sort(key=lambda x: (x.rank, str(x.key)))
    lot = None
    for ln in lines:
        if not ln.over_threshold or ln.rank > data.cap:
            continue
        group = [x for x in lines if x.votes == ln.votes]
        if ln.rank + len(group) - 1 <= data.cap:
            ln.admitted = True
        elif lot is None:
            slots = data.cap - (ln.rank - 1)
            order = list(draw(sorted((x.key for x in group), key=str)))
            lot = Lot(votes=ln.votes, slots=slots, drawn_order=order)
            winners = set(order[:slots])
            for x in group:
                x.in_lot = True
                x.admitted = x.key in winners
    return TallyOutcome(lines=lines, lot=lot)


def count_scores(spec: BallotSpec, ballots: Iterable[Mapping], keys: Iterable) -> dict:
    """Each project's score over `ballots` ({key: value} each); every key in `keys` appears."""
    scores = dict.fromkeys(keys, 0)
    if spec.kind == APPROVAL or spec.kind == KNAPSACK:
        for b in ballots:
            for k in b:
                scores[k] += 1
    else:
        for b in ballots:
            for k, v in b.items():
                scores[k] += score_of_value(spec, v)
    return scores


# =============================================================================================
# Eligibility (V1)
# =============================================================================================
# NOTE to V1 (from V2, 18:45 UTC): this file was created by both of us within seconds and my
# write replaced your uncommitted eligibility section — sorry. Please re-add it here (append);
# my sections above are committed, so `git diff voting/rules.py` shows exactly what you add.
