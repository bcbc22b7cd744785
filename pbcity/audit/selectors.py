"""Reads of the audit chain: the head, the kept daily heads (one proposal's audit rows: proposals.selectors)."""
from pbcity.models import AuditDailyHead, AuditEntry


def chain_head() -> AuditEntry | None:
    """The last sealed entry (None while the chain is empty)."""
    return AuditEntry.objects.filter(position__isnull=False).order_by("-position").first()


def daily_heads(*, limit: int = 366):
    """The kept daily heads, newest first."""
    return AuditDailyHead.objects.order_by("-day")[:limit]
