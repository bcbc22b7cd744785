"""Periodic audit-chain work (beat schedule in pbcity/celery.py)."""
import datetime

from celery import shared_task
from django.utils import timezone

from pbcity.tasks import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def audit_seal_tick() -> int:
    """Seal entries whose on-commit seal did not run (a crash between commit and seal)."""
    from .entries import chain_seal

    return chain_seal()


@shared_task(**RETRY_POLICY)
def audit_daily_head() -> int | None:
    """Keep yesterday's head (Taipei time) and e-mail it to the committee; verify the whole chain and
    alert the committee when it does not verify (a forged insert shows only when someone checks)."""
    from .services import chain_alarm_send, daily_head_keep
    from .verify import chain_verify

    day = timezone.localdate() - datetime.timedelta(days=1)
    kept = daily_head_keep(day=day)
    report = chain_verify()
    if not report.ok:
        chain_alarm_send(report=report, day=day)
    return kept.position if kept else None
