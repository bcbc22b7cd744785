from .contacts import OrphanFlag, ProposalContact
from .proposal import Proposal
from .records import Attachment, Consent, ProposalProposer, ProposalRevision, TransitionLog

__all__ = ["Attachment", "Consent", "OrphanFlag", "Proposal", "ProposalContact", "ProposalProposer",
           "ProposalRevision", "TransitionLog"]
