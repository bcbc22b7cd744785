"""Reads of the audit chain: the head, the kept daily heads, the watch's witnesses and verification runs
(one proposal's audit rows: proposals.selectors)."""
import datetime

from django.utils import timezone

from pbcity.models import AuditDailyHead, AuditEntry


def chain_head() -> AuditEntry | None:
    """The last sealed entry (None while the chain is empty)."""
    return AuditEntry.objects.filter(position__isnull=False).order_by("-position").first()


def daily_heads(*, limit: int = 366):
    """The kept daily heads, newest first."""
    return AuditDailyHead.objects.order_by("-day")[:limit]


# A row dated in the future is a forgery (the runtime role may INSERT into these tables): dated ahead, an
# "ok" run or a witness would otherwise stay the latest for ever and hide every later finding.
CLOCK_SLACK = datetime.timedelta(minutes=1)


def witnessed_until_now():
    from pbcity.models import AuditWitness

    return AuditWitness.objects.filter(witnessed_at__lte=timezone.now() + CLOCK_SLACK)


def runs_until_now():
    from pbcity.models import VerificationRun

    return VerificationRun.objects.filter(ran_at__lte=timezone.now() + CLOCK_SLACK)


def witnesses(*, limit: int = 500):
    """The witnessed heads, newest first."""
    return witnessed_until_now().order_by("-witnessed_at", "-id")[:limit]


def latest_witness():
    return witnessed_until_now().order_by("-witnessed_at", "-id").first()


def verification_latest() -> dict:
    """The latest stored run of each kind (audit, ballots, …): kind -> VerificationRun."""
    out = {}
    runs = runs_until_now()
    for kind in sorted(set(runs.values_list("kind", flat=True).distinct())):
        out[kind] = runs.filter(kind=kind).order_by("-ran_at", "-id").first()
    return out


def verification_failures(*, subject: str | None = None) -> list:
    """The latest runs that failed; with `subject` ("proposals.proposal:7"), only those that name it."""
    failed = [r for r in verification_latest().values() if not r.ok]
    if subject is not None:
        failed = [r for r in failed if subject in r.subjects]
    return sorted(failed, key=lambda r: r.kind)
