from .audit import AuditDailyHead, AuditEntry
from .city import Agency, Cycle, CyclePhase, District, DistrictQuota
from .notifications import Notification
from .tasks import OutboxMessage, OutgoingMail, TaskFailure
from .users import MFAEnrolmentLink, RoleAssignment, User

__all__ = [
    "AuditDailyHead",
    "AuditEntry",
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
]
