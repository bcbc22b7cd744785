from .audit import AuditDailyHead, AuditEntry, AuditWitness, VerificationRun
from .city import Agency, Cycle, CyclePhase, District, DistrictQuota
from .notifications import Notification
from .tasks import OutboxMessage, TaskFailure
from .users import RoleAssignment, User

__all__ = [
    "AuditDailyHead",
    "AuditEntry",
    "AuditWitness",
    "Agency",
    "Cycle",
    "CyclePhase",
    "District",
    "DistrictQuota",
    "Notification",
    "OutboxMessage",
    "RoleAssignment",
    "TaskFailure",
    "User",
    "VerificationRun",
]
