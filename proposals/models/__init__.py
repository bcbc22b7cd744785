from .proposal import Proposal
from .records import Attachment, Consent, ProposalProposer, ProposalRevision, TransitionLog

__all__ = ["Attachment", "Consent", "Proposal", "ProposalProposer", "ProposalRevision", "TransitionLog"]
