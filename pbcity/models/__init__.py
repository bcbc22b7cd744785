from .audit import AuditDailyHead, AuditEntry, AuditWitness, VerificationRun
from .city import Agency, Cycle, CyclePhase, District, DistrictQuota
from .notifications import Notification
from .tasks import OutboxMessage, OutgoingMail, TaskFailure
from .users import MFAEnrolmentLink, RoleAssignment, User

__all__ = [
    "AuditDailyHead",
    "AuditEntry",
    "AuditWitness",
    "Agency",
    "Cycle",
    "CyclePhase",
    "District",
    "MFAEnrolmentLink",
    "DistrictQuota",
    "Notification",
    "OutboxMessage",
    "OutgoingMail",
    "RoleAssignment",
    "TaskFailure",
    "User",
    "VerificationRun",
]
