"""Writes for the voting stage, one module per area (voters, exhibition; rounds and ballots beside them)."""
