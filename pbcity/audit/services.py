"""Writes of the audit chain: keeping each day's head, witnessing the head outside the database, and the
scheduled verification whose failures the pages, the committee and /healthz show."""
import datetime
import logging
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.models import AuditDailyHead, AuditEntry, AuditWitness, VerificationRun
from pbcity.roles import Role

from .entries import chain_seal
from .invariants import verifiers_run
from .selectors import runs_until_now, witnessed_until_now

log = logging.getLogger(__name__)
WITNESS_FILE = "audit-heads.txt"
# While a vote is open the head is witnessed every watch tick, but e-mailed at most this often.
VOTE_EMAIL_EVERY = datetime.timedelta(hours=1)


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
    sent = 0
    for member in members:
        with translation.override(member.language or settings.LANGUAGE_CODE):  # each member's own language
            subject = _("Audit chain head for %(day)s") % {"day": head.day.isoformat()}
            body = _(
                "At the end of %(day)s the audit chain ended at position %(position)s with hash\n%(hash)s\n\n"
                "Keep this message: `manage.py audit_verify --heads FILE` checks that the head is still in the "
                "chain."
            ) % {"day": head.day.isoformat(), "position": head.position, "hash": head.entry_hash}
        sent += enqueue_isolated(notification_send, member.pk, f"audit-head-{head.day.isoformat()}", subject, body,
                                 reverse("audit:head"), kind="audit")
    return sent


def _committee():
    return get_user_model().objects.filter(roles__role=Role.COMMITTEE, is_active=True).distinct().order_by("pk")


def head_witness(*, during_vote: bool) -> AuditWitness | None:
    """Copy the chain's head outside the database: a row published at /audit/heads.txt and on the board
    pages, a line appended to AUDIT_WITNESS_DIR/audit-heads.txt, and (daily, or hourly during a vote) an
    e-mail to every committee member. None when the chain is empty or its head was already witnessed."""
    chain_seal()
    head = AuditEntry.objects.filter(position__isnull=False).order_by("-position").first()
    if head is None:
        return None
    last = witnessed_until_now().order_by("-witnessed_at", "-id").first()
    if last is not None and (last.position, last.entry_hash) == (head.position, head.entry_hash):
        return None
    now = timezone.now()
    mailed = witnessed_until_now().filter(emailed=True).order_by("-witnessed_at").values_list(
        "witnessed_at", flat=True).first()
    email = mailed is None or now - mailed >= (VOTE_EMAIL_EVERY if during_vote else datetime.timedelta(hours=20))
    with transaction.atomic():
        witness = AuditWitness.objects.create(position=head.position, entry_hash=head.entry_hash, witnessed_at=now,
                                              during_vote=during_vote, emailed=email)
        if email:
            transaction.on_commit(lambda: witness_send(witness=witness))
    witness_file_append(witness=witness)
    return witness


def witness_file_append(*, witness: AuditWitness) -> str | None:
    """Append `position hash time` to the witness file (the format `audit_verify --heads` reads); the path,
    or None without AUDIT_WITNESS_DIR. A failure is logged loudly and does not undo the witness row."""
    directory = getattr(settings, "AUDIT_WITNESS_DIR", "")
    if not directory:
        return None
    path = os.path.join(directory, WITNESS_FILE)
    line = f"{witness.position} {witness.entry_hash} {witness.witnessed_at.isoformat()}\n"
    try:
        os.makedirs(directory, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        log.exception("Could not append the audit head to %s", path)
        return None
    return path


def witness_send(*, witness: AuditWitness) -> int:
    from pbcity.tasks import enqueue_isolated, notification_send

    sent = 0
    for m in _committee():
        with translation.override(m.language or settings.LANGUAGE_CODE):  # each member's own language
            subject = _("Audit chain head at %(time)s") % {
                "time": timezone.localtime(witness.witnessed_at).strftime("%Y-%m-%d %H:%M")}
            body = _(
                "At %(time)s the audit chain ended at position %(position)s with hash\n%(hash)s\n\n"
                "Keep this message: `manage.py audit_verify --heads FILE` checks that the head is still in the "
                "chain."
            ) % {"time": witness.witnessed_at.isoformat(), "position": witness.position, "hash": witness.entry_hash}
        sent += enqueue_isolated(notification_send, m.pk, f"audit-witness-{witness.pk}", subject, body,
                                 reverse("audit:head"))
    return sent


def verification_run() -> list[VerificationRun]:
    """Run the audit verifier (chain and invariants) and every registered verifier (the ballot boards),
    store each result, and alert the committee when a failure is new or has changed (daily while it lasts)."""
    from .verify import chain_verify

    report = chain_verify()
    found = {VerificationRun.Kind.AUDIT: report.all_problems(), **verifiers_run()}
    head = report.head
    return [_run_store(kind=kind, problems=problems, head=head) for kind, problems in found.items()]


def _run_store(*, kind: str, problems: list, head) -> VerificationRun:
    previous = runs_until_now().filter(kind=kind).order_by("-ran_at", "-id").first()
    stored = [p.as_dict() for p in problems[:VerificationRun.MAX_PROBLEMS]]
    now = timezone.now()
    alert = bool(problems) and (
        previous is None or previous.ok or previous.problems != stored
        or not runs_until_now().filter(kind=kind, alerted=True,
                                              ran_at__gte=now - datetime.timedelta(days=1)).exists())
    with transaction.atomic():
        run = VerificationRun.objects.create(
            kind=kind, ran_at=now, ok=not problems, problems=stored, alerted=alert,
            head_position=head.position if head is not None and kind == VerificationRun.Kind.AUDIT else None,
            head_hash=head.entry_hash if head is not None and kind == VerificationRun.Kind.AUDIT else "")
        if previous is None or previous.ok != run.ok or previous.problems != run.problems:
            from pbcity import pagecache

            pagecache.bump_on_commit()  # cached public pages must show (or drop) the notice now
        if alert:
            transaction.on_commit(lambda: verification_alert_send(run=run))
    if problems:
        log.error("Scheduled verification %s failed: %s", kind, "; ".join(str(p) for p in problems[:5]))
    return run


def verification_alert_send(*, run: VerificationRun) -> int:
    """Tell every committee member that a verification failed, naming the first problems."""
    from pbcity.tasks import enqueue_isolated, notification_send

    lines = [f"{p['check']}: {p['ref']} — {p['detail']}" for p in run.problems[:10]]
    sent = 0
    for m in _committee():
        with translation.override(m.language or settings.LANGUAGE_CODE):  # each member's own language
            subject = (_("The audit chain does not verify") if run.kind == VerificationRun.Kind.AUDIT
                       else _("The ballot boards do not verify"))
            body = _("The check of %(time)s found:\n%(problems)s\n\nRun `manage.py audit_verify` and "
                     "`manage.py ballots_verify` for the details.") % {
                "time": timezone.localtime(run.ran_at).strftime("%Y-%m-%d %H:%M"), "problems": "\n".join(lines)}
        sent += enqueue_isolated(notification_send, m.pk, f"audit-alert-{run.pk}", subject, body,
                                 reverse("audit:head"))
    return sent
