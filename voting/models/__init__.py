from .archive import ArchivedBallot, ArchivedElection, ArchivedProject, RuleOutcome
from .ballots import (
                      Ballot,
                      BallotBoxHead,
                      BallotChoice,
                      BallotSeal,
                      BoardHead,
                      BoardStratum,
                      Participation,
                      SealedBallot,
)
from .exhibition import Comment, CommentModeration, CommentReport
from .rounds import Round, RoundEvent, RoundProject, RoundResult, TallyLot
from .voters import RegisterEntry, RegisterImport, Voter, VoterDecision, VoterDocument

__all__ = [
    "ArchivedBallot",
    "ArchivedElection",
    "ArchivedProject",
    "RuleOutcome",
    "Ballot",
    "BallotBoxHead",
    "BallotChoice",
    "BallotSeal",
    "BoardHead",
    "BoardStratum",
    "Participation",
    "SealedBallot",
    "Round",
    "RoundEvent",
    "RoundProject",
    "RoundResult",
    "TallyLot",
    "Comment",
    "CommentModeration",
    "CommentReport",
    "RegisterEntry",
    "RegisterImport",
    "Voter",
    "VoterDecision",
    "VoterDocument",
]
