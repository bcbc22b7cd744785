"""After the vote: the committee's PB group meetings, public hearings during execution (docs/decisions.md,
"Accountability").
"""
