"""Writes of the audit chain: keeping each day's head and sending it to the committee."""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.models import AuditDailyHead, AuditEntry
from pbcity.roles import Role

from . import chain
from .entries import chain_seal


def daily_head_keep(*, day: datetime.date) -> AuditDailyHead | None:
    """Keep the chain's head as it stood at the end of `day` (Taipei time) and e-mail it to every
    committee member, once: a second run for the same day changes nothing. A system step (the beat
    task), so no actor; the table is append-only (docs/security.md, "Audit chain")."""
    chain_seal()
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    head = AuditEntry.objects.filter(position__isnull=False, sealed_at__lt=end).order_by("-position").first()
    if head is None:
        return None
    with transaction.atomic():
        kept, created = AuditDailyHead.objects.get_or_create(
            day=day, defaults={"position": head.position, "entry_hash": head.entry_hash, "sealed_at": head.sealed_at}
        )
        if created:
            transaction.on_commit(lambda: daily_head_send(head=kept))
    return kept


def daily_head_send(*, head: AuditDailyHead) -> int:
    """Send a kept head to each committee member's inbox and e-mail (each delivery isolated)."""
    from pbcity.tasks import enqueue_isolated, notification_send

    members = get_user_model().objects.filter(roles__role=Role.COMMITTEE, is_active=True).distinct().order_by("pk")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Audit chain head for %(day)s") % {"day": head.day.isoformat()}
        body = _(
            "At the end of %(day)s the audit chain ended at position %(position)s with hash\n%(hash)s\n\n"
            "Keep this message: `manage.py audit_verify --heads FILE` checks that the head is still in the chain."
        ) % {"day": head.day.isoformat(), "position": head.position, "hash": head.entry_hash}
    sent = 0
    for member in members:
        sent += enqueue_isolated(notification_send, member.pk, f"audit-head-{head.day.isoformat()}", subject, body,
                                 reverse("audit:head"), kind="audit")
    return sent


def chain_alarm_send(*, report, day: datetime.date) -> int:
    """Tell every committee member that the chain does not verify (once per day), naming the first problem."""
    from pbcity.tasks import enqueue_isolated, notification_send

    problems = []
    if report.broken:
        problems.append(str(report.broken))
    if report.forged:
        problems.append(f"{chain.FORGED_INSERT}: {report.forged[0]} {report.forged[1]}")
    problems += [f"proposal {pk}: {state} ≠ {last}" for pk, state, last in report.state_mismatches[:5]]
    members = get_user_model().objects.filter(roles__role=Role.COMMITTEE, is_active=True).distinct().order_by("pk")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The audit chain does not verify")
        body = _("The daily check of %(day)s found:\n%(problems)s\n\nRun `manage.py audit_verify` for the details.") % {
            "day": day.isoformat(), "problems": "\n".join(problems)}
    return sum(enqueue_isolated(notification_send, m.pk, f"audit-broken-{day.isoformat()}", subject, body,
                                reverse("audit:head")) for m in members)
