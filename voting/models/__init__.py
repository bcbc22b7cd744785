from .exhibition import Comment, CommentModeration, CommentReport
from .voters import RegisterEntry, RegisterImport, Voter, VoterDecision, VoterDocument

__all__ = [
    "Comment",
    "CommentModeration",
    "CommentReport",
    "RegisterEntry",
    "RegisterImport",
    "Voter",
    "VoterDecision",
    "VoterDocument",
]
