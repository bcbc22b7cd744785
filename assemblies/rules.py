"""The assembly's pass rule (DESIGN.md rule 1), as a pure function the services and tests share.

A proposal passes when more than half of the attendees present voted for it AND it ranks within
the top K. Ranks are competition ranks (10, 8, 8, 5 → 1, 2, 2, 4). When proposals with a majority
tie across rank K, more of them would be "within the top K" than K allows; the places left are
then given by a lot, drawn when the vote closes and kept with the results (see docs/decisions.md).
"""
from dataclasses import dataclass

from pbcity.lot import Lot, admit_within_cap, random_order

__all__ = ["Lot", "Outcome", "decide", "has_majority", "random_order"]


@dataclass
class Outcome:
    key: object
    votes: int
    rank: int
    has_majority: bool
    in_lot: bool = False
    passed: bool = False


def has_majority(votes: int, present: int) -> bool:
    """More than half of those present; exactly half is not enough."""
    return votes * 2 > present


def decide(counts: dict, *, present: int, top_k: int, draw=random_order) -> tuple[list[Outcome], Lot | None]:
    """Outcomes ordered by votes (highest first), and the lot if one was needed."""
    values = list(counts.values())
    outcomes = [
        Outcome(key=k, votes=v, rank=1 + sum(1 for o in values if o > v), has_majority=has_majority(v, present))
        for k, v in counts.items()
    ]
    outcomes.sort(key=lambda o: (-o.votes, o.rank))
    passed, in_lot, lot = admit_within_cap(outcomes, cap=top_k, qualifies=lambda o: o.has_majority, draw=draw)
    for o in outcomes:
        o.passed, o.in_lot = o.key in passed, o.key in in_lot
    return outcomes, lot
