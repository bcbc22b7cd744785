"""The assembly's pass rule (DESIGN.md rule 1), as a pure function the services and tests share.

A proposal passes when more than half of the attendees present voted for it AND it ranks within
the top K. Ranks are competition ranks (10, 8, 8, 5 → 1, 2, 2, 4). When proposals with a majority
tie across rank K, more of them would be "within the top K" than K allows; the places left are
then given by a lot, drawn when the vote closes and kept with the results (see docs/decisions.md).
"""
import secrets
from dataclasses import dataclass


@dataclass
class Outcome:
    key: object
    votes: int
    rank: int
    has_majority: bool
    in_lot: bool = False
    passed: bool = False


@dataclass
class Lot:
    votes: int
    slots: int
    drawn_order: list


def has_majority(votes: int, present: int) -> bool:
    """More than half of those present; exactly half is not enough."""
    return votes * 2 > present


def random_order(keys: list) -> list:
    return secrets.SystemRandom().sample(keys, len(keys))


def decide(counts: dict, *, present: int, top_k: int, draw=random_order) -> tuple[list[Outcome], Lot | None]:
    """Outcomes ordered by votes (highest first), and the lot if one was needed."""
    values = list(counts.values())
    outcomes = [
        Outcome(key=k, votes=v, rank=1 + sum(1 for o in values if o > v), has_majority=has_majority(v, present))
        for k, v in counts.items()
    ]
    outcomes.sort(key=lambda o: (-o.votes, o.rank))
    lot = None
    for o in outcomes:
        if not o.has_majority or o.rank > top_k:
            continue
        group = [x for x in outcomes if x.votes == o.votes]
        if o.rank + len(group) - 1 <= top_k:
            o.passed = True
        elif lot is None:
            # A tie across rank K: every member has the same votes, so all have a majority.
            slots = top_k - (o.rank - 1)
            order = draw([x.key for x in group])
            lot = Lot(votes=o.votes, slots=slots, drawn_order=list(order))
            winners = set(order[:slots])
            for x in group:
                x.in_lot = True
                x.passed = x.key in winners
    return outcomes, lot
