"""Bounds on the numbers the platform accepts, in one place (docs/decisions.md, "Imports that always finish").

Plain constants, no Django: the counting package (pure Python) reads them too. Each bound is far above
any real participatory budget and well inside what PostgreSQL's columns and the counting rules hold:
amounts fit a `bigint` many times over and stay exact in a float (below 2**53), so the float pre-checks
of the Method of Equal Shares never overflow (`1e400` once did).
"""

# Budgets and costs, in the election's currency (NTD for the city's own rounds and projects).
MAX_AMOUNT = 10**12
# Decimal places an imported cost or budget may have (cents); exact sums then stay short as text.
MAX_AMOUNT_DECIMALS = 2
# Points one voter gives one project on a points or scoring ballot.
MAX_POINTS = 10**6
