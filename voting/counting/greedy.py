"""Greedy by votes (or points) within a budget, in the variants cities use.

Projects are taken in order of their score (votes for approval/knapsack, points, or rank scores),
ties in the documented order (lower cost, more votes, the recorded lot). Variants:
- `skip`: a project that does not fit is passed over and the next one is tried (most cities);
- `stop`: counting stops at the first project that does not fit;
- `min_votes`: projects with fewer votes than this are not eligible at all (a threshold before greedy);
- `min_score`: the same on the score (pabulib's `min_project_score_threshold`: votes, points or rank
  score, whichever the city ranked by; a project with exactly the threshold is eligible);
- `withdrawn`: projects taken off the list after the vote; passed over without stopping `stop`;
- `ties="lot"`: equal scores in the order of the lot alone (for a pabulib file, the order the city
  published its ranking in), instead of the documented lower-cost-first order.
All arithmetic is on integers or fractions.
"""
from __future__ import annotations

from fractions import Fraction

from .election import Election, Outcome

SKIP = "skip"
STOP = "stop"


def greedy(election: Election, *, variant: str = SKIP, min_votes: int = 0, min_score: Fraction = 0,
           already: tuple[str, ...] = (), budget: Fraction | None = None,
           withdrawn: frozenset[str] = frozenset(), ties: str = "documented") -> Outcome:
    """Fund the highest-scoring projects until the budget runs out.

    `already`: projects funded before (e.g. by MES) whose cost counts against the budget; used for
    "MES then greedy" completion.
    """
    if variant not in (SKIP, STOP):
        raise ValueError(f"unknown greedy variant {variant!r}")
    limit = election.budget if budget is None else budget
    scores, votes, tie = election.scores(), election.votes(), election.tie_key()
    if ties == "lot":
        rank = election.lot_rank()
        tie = lambda pid: (rank[pid],)  # noqa: E731
    selected = list(already)
    spent = sum((election.costs[p] for p in selected), Fraction(0))
    notes = {}
    candidates = [p for p in election.projects if p not in selected and p not in withdrawn
                  and votes[p] >= min_votes and scores[p] >= min_score and scores[p] > 0]
    candidates.sort(key=lambda p: (-scores[p], *tie(p)))
    for pid in candidates:
        cost = election.costs[pid]
        if spent + cost <= limit:
            selected.append(pid)
            spent += cost
            notes[pid] = f"greedy: score {scores[pid]}"
        elif variant == STOP:
            break
    return Outcome(rule=f"greedy/{variant}", selected=selected, cost=spent, budget=limit, notes=notes)
