"""The cycle evaluation report: participation, representativeness, training, deliberation, fairness,
implementation (docs/decisions.md, "Evaluation").
"""
