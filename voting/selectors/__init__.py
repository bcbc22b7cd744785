"""Reads for the voting stage. Each area has its module; the common ones are re-exported here."""
from .voters import voter_for, voter_verified

__all__ = ["voter_for", "voter_verified"]
