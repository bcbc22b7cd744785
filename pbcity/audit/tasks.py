"""Periodic audit-chain work (beat schedule in pbcity/celery.py)."""
import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from pbcity.tasks import RETRY_POLICY

# Without an open vote: witness the head daily, verify hourly (a little early, so a tick never just misses).
IDLE_WITNESS_EVERY = datetime.timedelta(hours=23, minutes=55)
IDLE_VERIFY_EVERY = datetime.timedelta(minutes=55)


@shared_task(**RETRY_POLICY)
def audit_seal_tick() -> int:
    """Seal entries whose on-commit seal did not run (a crash between commit and seal)."""
    from .entries import chain_seal

    return chain_seal()


@shared_task(**RETRY_POLICY)
def audit_daily_head() -> int | None:
    """Keep yesterday's head (Taipei time) and e-mail it to the committee; verify everything and alert
    the committee when it does not verify."""
    from .services import daily_head_keep, verification_run

    kept = daily_head_keep(day=timezone.localdate() - datetime.timedelta(days=1))
    verification_run()
    return kept.position if kept else None


@shared_task(**RETRY_POLICY)
def audit_watch_tick() -> dict:
    """Every AUDIT_WATCH_TICK_SECONDS (5 min): while a vote is open, witness the head and run both verifiers
    (audit trail and ballot boards); otherwise witness daily and verify hourly. Failures show on the pages,
    in /healthz and in the committee's inbox within one period (docs/security.md)."""
    from .invariants import is_busy
    from .selectors import runs_until_now, witnessed_until_now
    from .services import head_witness, verification_run

    now, busy = timezone.now(), is_busy()
    done = {"busy": busy, "witnessed": None, "verified": False}
    last_witness = witnessed_until_now().order_by("-witnessed_at").values_list("witnessed_at", flat=True).first()
    if busy or last_witness is None or now - last_witness >= IDLE_WITNESS_EVERY:
        witness = head_witness(during_vote=busy)
        done["witnessed"] = witness.position if witness else None
    last_run = runs_until_now().order_by("-ran_at").values_list("ran_at", flat=True).first()
    if busy or last_run is None or now - last_run >= IDLE_VERIFY_EVERY:
        verification_run()
        done["verified"] = True
    return done


def watch_period(*, busy: bool) -> datetime.timedelta:
    """How long a failure can go unseen: one tick during a vote, the idle verification period otherwise."""
    tick = datetime.timedelta(seconds=settings.AUDIT_WATCH_TICK_SECONDS)
    return tick if busy else IDLE_VERIFY_EVERY + tick
