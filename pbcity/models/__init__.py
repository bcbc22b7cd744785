from .audit import AuditDailyHead, AuditEntry
from .city import Agency, Cycle, CyclePhase, District, DistrictQuota
from .notifications import Notification
from .tasks import OutboxMessage, OutgoingMail, TaskFailure
from .users import RoleAssignment, User

__all__ = [
    "AuditDailyHead",
    "AuditEntry",
    "Agency",
    "Cycle",
    "CyclePhase",
    "District",
    "DistrictQuota",
    "Notification",
    "OutboxMessage",
    "OutgoingMail",
    "RoleAssignment",
    "TaskFailure",
    "User",
]
