"""The cycle verification kit: `manage.py cycle_bundle` writes every public decision of a cycle;
scripts/verify_cycle.py recomputes them (docs/decisions.md, "Cycle kit").
"""
