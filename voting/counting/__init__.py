"""Counting rules beyond Taipei's threshold-and-rank: greedy and the Method of Equal Shares.

Pure functions on an `Election` (projects, costs, budget, ballots as utilities); no Django. The
round's official rule names one of `RULES`; the comparison page runs all of them
(docs/decisions.md, "Counting rules").
"""
from .election import Election, ElectionError, Outcome
from .greedy import greedy
from .mes import equal_shares

RULES = {
    "greedy": lambda e: greedy(e),
    "greedy/stop": lambda e: greedy(e, variant="stop"),
    "mes": lambda e: equal_shares(e),
    "mes/add1": lambda e: equal_shares(e, add1=True),
    "mes/add1+greedy": lambda e: equal_shares(e, add1=True, then_greedy=True),
}

__all__ = ["Election", "ElectionError", "Outcome", "RULES", "equal_shares", "greedy"]
