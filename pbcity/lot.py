"""The tie-by-lot rule that both the assembly's pass rule and the vote's admission rule use.

Items ranked by competition rank (10, 8, 8, 5 → 1, 2, 2, 4) are admitted when they qualify (a majority
of those present, or votes over the threshold) and rank within the cap. Qualifying items that tie across
the cap would put more than `cap` items "within the cap": the places left are given by a lot over the
tied group, drawn once and kept with the results (docs/decisions.md, "Ties across the cap").
"""
import secrets
from dataclasses import dataclass


@dataclass
class Lot:
    """A tie across the cap settled by lot: the tied votes, the places left, the drawn order."""

    votes: int
    slots: int
    drawn_order: list


def random_order(keys: list) -> list:
    return secrets.SystemRandom().sample(keys, len(keys))


def admit_within_cap(items, *, cap: int, qualifies, draw=random_order) -> tuple[set, set, Lot | None]:
    """(admitted keys, keys in the lot, the lot or None) for `items` with `key`, `votes` and `rank`.

    `qualifies(item)` is the other condition (majority, over the threshold). Only one tie can straddle
    the cap, so there is at most one lot; the tied keys are drawn in a fixed order (sorted as text) so a
    seeded draw is reproducible.
    """
    admitted, in_lot, lot = set(), set(), None
    for item in items:
        if not qualifies(item) or item.rank > cap:
            continue
        group = [x for x in items if x.votes == item.votes]
        if item.rank + len(group) - 1 <= cap:
            admitted.add(item.key)
        elif lot is None:
            slots = cap - (item.rank - 1)
            order = list(draw(sorted((x.key for x in group), key=str)))
            lot = Lot(votes=item.votes, slots=slots, drawn_order=order)
            in_lot = {x.key for x in group}
            admitted |= set(order[:slots])
    return admitted, in_lot, lot
