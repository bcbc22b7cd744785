from .audit import AuditDailyHead, AuditEntry, AuditWitness, VerificationRun
from .city import Agency, Cycle, CyclePhase, District, DistrictQuota
from .notifications import (
    FIXED_DELIVERY,
    Delivery,
    Follow,
    Notification,
    NotificationDigest,
    NotificationKind,
    NotificationPreference,
)
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
    "Delivery",
    "FIXED_DELIVERY",
    "Follow",
    "Notification",
    "NotificationDigest",
    "NotificationKind",
    "NotificationPreference",
    "OutboxMessage",
    "OutgoingMail",
    "RoleAssignment",
    "TaskFailure",
    "User",
    "VerificationRun",
]
