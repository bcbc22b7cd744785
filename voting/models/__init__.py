from .archive import ArchivedBallot, ArchivedElection, ArchivedProject, RuleOutcome
from .ballots import Ballot, BallotChoice, BallotSeal, BoardHead, Participation
from .exhibition import Comment, CommentModeration, CommentReport
from .rounds import Round, RoundEvent, RoundProject, RoundResult, TallyLot
from .voters import RegisterEntry, RegisterImport, Voter, VoterDecision, VoterDocument

__all__ = [
    "ArchivedBallot",
    "ArchivedElection",
    "ArchivedProject",
    "RuleOutcome",
    "Ballot",
    "BallotChoice",
    "BallotSeal",
    "BoardHead",
    "Participation",
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
