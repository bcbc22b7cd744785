from .assembly import Assembly, Table
from .attendance import Attendee
from .voting import AssemblyProposal, HandCount, TieBreak, Vote

__all__ = ["Assembly", "AssemblyProposal", "Attendee", "HandCount", "Table", "TieBreak", "Vote"]
