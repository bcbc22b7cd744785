"""The citizen review panel's rules (seed ch. 7 and 14; DESIGN.md rule 5), as pure functions.

Services and tests share them; nothing here touches the database. See docs/decisions.md,
"Review panel", for the reasons behind each choice.
"""
from collections import Counter
from fractions import Fraction

# -- lights and the aggregation rule ------------------------------------------------------

RED, YELLOW, GREEN = "red", "yellow", "green"
LIGHTS = (RED, YELLOW, GREEN)  # low → high
_RANK = {light: i for i, light in enumerate(LIGHTS)}

INDICATORS = ("publicness", "legality", "budget")  # 公共性, 適法性, 預算可行性


def panel_light(lights) -> str | None:
    """The panel's light for one indicator: the median of the members' lights, a tie toward the lower.

    With an even number of lights the lower of the two middle ones counts, so a panel split evenly
    between green and red gives red. No lights at all give None (no light, the proposal cannot pass).
    """
    ranked = sorted(_RANK[light] for light in lights)
    if not ranked:
        return None
    return LIGHTS[ranked[(len(ranked) - 1) // 2]]


def panel_lights(sheets) -> dict:
    """Panel light per indicator from score sheets (mappings indicator → light)."""
    return {ind: panel_light([s[ind] for s in sheets]) for ind in INDICATORS}


def proposal_passes(lights: dict) -> bool:
    """Goes on to the vote only if all three panel lights are green or yellow (high or medium)."""
    return all(lights.get(ind) in (GREEN, YELLOW) for ind in INDICATORS)


# -- composition ---------------------------------------------------------------------------

HOST, CO_HOST, DELIBERATOR = "host", "co_host", "deliberator"
ADVANCED, BASIC, PROPOSER = "advanced", "basic", "proposer"

SEAT_QUOTAS = {HOST: 1, CO_HOST: 1, DELIBERATOR: 1, ADVANCED: 2, BASIC: 5, PROPOSER: 2}
APPOINTED_SEATS = (HOST, CO_HOST, DELIBERATOR)  # chosen, not drawn; neutral, never score
DRAWN_SEATS = (ADVANCED, BASIC, PROPOSER)  # drawn by lot, each with ordered alternates
PANEL_SIZE = sum(SEAT_QUOTAS.values())  # 12


def may_score(seat_type: str) -> bool:
    """Only drawn members score: the hosts and the vice-host (deliberator) stay neutral."""
    return seat_type in DRAWN_SEATS


def composition_problems(seats) -> list[str]:
    """What is wrong with a panel given as (seat_type, person) pairs; [] when it is complete.

    Codes: "missing:<type>", "too_many:<type>", "unknown:<type>", "twice:<person>".
    """
    problems = []
    counts = Counter(seat_type for seat_type, _ in seats)
    for seat_type in counts:
        if seat_type not in SEAT_QUOTAS:
            problems.append(f"unknown:{seat_type}")
    for seat_type, quota in SEAT_QUOTAS.items():
        if counts[seat_type] < quota:
            problems.append(f"missing:{seat_type}")
        elif counts[seat_type] > quota:
            problems.append(f"too_many:{seat_type}")
    people = Counter(person for _, person in seats)
    problems.extend(f"twice:{p}" for p, n in sorted(people.items(), key=lambda kv: str(kv[0])) if n > 1)
    return problems


def previous_year_proposer_eligible(*, proposal_district_ids, home_district_id, panel_district_id) -> bool:
    """A previous-year proposer sits on another district's panel only: none of their previous-year
    proposals, nor their home district, may be the district under review."""
    ids = set(proposal_district_ids)
    return bool(ids) and panel_district_id not in ids and home_district_id != panel_district_id


def split_pools(*, basic, advanced, proposers, excluded=()) -> dict:
    """Disjoint pools for the draw. Appointed members (`excluded`) are in none; a previous-year
    proposer who also holds a card is in the proposer pool only (the scarcer seat type), so nobody
    can be drawn twice and each person's probability is that of one pool."""
    excluded = set(excluded)
    proposer_pool = set(proposers) - excluded
    taken = excluded | proposer_pool
    return {
        ADVANCED: sorted(set(advanced) - taken),
        BASIC: sorted(set(basic) - taken),
        PROPOSER: sorted(proposer_pool),
    }


def unfillable_seats(pools: dict, quotas: dict) -> dict:
    """Seat types whose pool is smaller than their quota, as {seat type: (quota, pool size)}: a draw
    from them would leave seats empty, so the commitment is refused until more people are eligible."""
    return {t: (quotas[t], len(pools.get(t, ()))) for t in sorted(quotas) if len(pools.get(t, ())) < quotas[t]}


def selection_probability(*, quota: int, pool_size: int) -> Fraction:
    """Probability that one member of a pool gets one of `quota` seats (uniform without replacement)."""
    if pool_size <= 0:
        return Fraction(0)
    return min(Fraction(1), Fraction(quota, pool_size))


# -- replacement ----------------------------------------------------------------------------

def replacement_allowed(seat_type: str) -> bool:
    """Only drawn seats are refilled, from their own alternates; a host or the deliberator never
    fills an absent member's seat ("player and referee", seed ch. 7)."""
    return seat_type in DRAWN_SEATS


def next_alternate(*, order, quota: int, unavailable=()):
    """The next alternate of one seat type: the first of the drawn order after the `quota` seats who
    is not `unavailable` (already seated, absent, or called before). None when the list is spent."""
    unavailable = set(unavailable)
    for person in list(order)[quota:]:
        if person not in unavailable:
            return person
    return None


# -- conflict of interest -------------------------------------------------------------------

def has_conflict(*, member, proposers) -> bool:
    """Nobody scores a proposal they proposed (or co-proposed)."""
    return member in set(proposers)
