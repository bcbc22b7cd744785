import base64
import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from pbcity.models import Notification, OutgoingMail, TaskFailure
from pbcity.permissions import can_resolve_task_failures
from pbcity.validators import single_line

_SUBJECT_MAX = Notification._meta.get_field("subject").max_length
log = logging.getLogger("pbcity.mail")


def notification_deliver(*, recipient, key: str, subject: str, body: str, url: str = "") -> Notification:
    """Put a message in the recipient's inbox and e-mail it, at most once per (recipient, key).

    A retried or duplicated task finds the existing row; the row lock serialises two runs at once,
    so only the first one sends the e-mail. The subject is made one line that fits, whatever the
    titles in it hold: a line break in an e-mail header is refused by the mail library.
    """
    subject = single_line(subject, limit=_SUBJECT_MAX)
    try:
        with transaction.atomic():
            Notification.objects.get_or_create(
                recipient=recipient, key=key, defaults={"subject": subject, "body": body, "url": url}
            )
    except IntegrityError:  # the other run inserted it first
        pass
    with transaction.atomic():
        note = Notification.objects.select_for_update().get(recipient=recipient, key=key)
        if note.emailed_at is None and recipient.email:
            link = f"{settings.SITE_URL}{url}" if url else ""
            # Kept with the mark below in one transaction: an SMTP outage leaves it in the mail outbox.
            mail_send_or_keep(message=EmailMessage(note.subject, f"{note.body}\n\n{link}".strip(), None,
                                                   [recipient.email]))
            note.emailed_at = timezone.now()
            note.save(update_fields=["emailed_at"])
    return note


def notification_mark_read(*, user, notification_id: int) -> None:
    Notification.objects.filter(recipient=user, pk=notification_id, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def task_failure_record(*, task_name: str, task_id: str, arguments: str, error: str,
                        traceback: str = "") -> TaskFailure:
    """Keep a task's final failure for staff (called by the Celery `task_failure` handler).

    A task failing twice under one id (an eager retry chain) keeps its first record.
    """
    task_id = (task_id or "")[:64]
    fields = {"task_name": task_name[:200], "arguments": arguments[:4000], "error": error[:4000],
              "traceback": traceback[-20000:]}
    if not task_id:
        return TaskFailure.objects.create(task_id="", **fields)
    with transaction.atomic():
        failure, _created = TaskFailure.objects.get_or_create(task_id=task_id, defaults=fields)
    return failure


def task_failure_resolve(*, failure_ids, actor) -> int:
    """Staff mark failures as dealt with (who and when are kept)."""
    if not can_resolve_task_failures(None, actor):
        raise PermissionDenied
    return TaskFailure.objects.filter(pk__in=failure_ids, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )


# --- The mail outbox (docs/decisions.md, "One way to queue, and mail never inside a request") -------------

# After a refused send, wait 30 s, 1 min, 2 min, … at most 30 min before the next try.
MAIL_RETRY_FIRST = datetime.timedelta(seconds=30)
MAIL_RETRY_MAX = datetime.timedelta(minutes=30)
# After this many refusals staff see one TaskFailure row (the mail is still kept and tried).
MAIL_ALERT_AFTER = 5


def _mail_data(message: EmailMessage) -> dict:
    """Everything needed to build `message` again in a worker, as JSON."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment  # a MIMEBase part is not used by this project
        raw = content.encode() if isinstance(content, str) else content
        attachments.append({"filename": filename, "content": base64.b64encode(raw).decode(), "mimetype": mimetype,
                            "text": isinstance(content, str)})
    return {
        "subject": str(message.subject), "body": str(message.body), "from_email": message.from_email,
        "to": list(message.to), "cc": list(message.cc), "bcc": list(message.bcc), "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers), "content_subtype": message.content_subtype,
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def _mail_message(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        data["subject"], data["body"], data["from_email"], data["to"], data["bcc"], cc=data["cc"],
        reply_to=data["reply_to"], headers=data["headers"], alternatives=[tuple(a) for a in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    for a in data["attachments"]:
        raw = base64.b64decode(a["content"])
        message.attach(a["filename"], raw.decode() if a["text"] else raw, a["mimetype"])
    return message


def _mail_keep(message: EmailMessage) -> OutgoingMail:
    recipients = ", ".join([*message.to, *message.cc, *message.bcc])
    return OutgoingMail.objects.create(recipients=recipients[:300], message=_mail_data(message))


def mail_queue(*, message: EmailMessage) -> OutgoingMail:
    """Keep `message` in the mail outbox and have a worker send it after the commit: the way a request mails.

    The request never waits on the mail server, and an unreachable one only delays the mail
    (`mail_flush` tries again). Build the message in its recipient's language before calling this.
    """
    from pbcity.tasks import enqueue

    mail = _mail_keep(message)
    enqueue("pbcity.tasks.mail_send", mail.pk)
    return mail


def mail_send_or_keep(*, message: EmailMessage) -> bool:
    """Send `message` now, from a worker; if the server refuses it, keep it in the mail outbox for later.

    For tasks, which may wait on the mail server but must not lose a mail to its outage.
    """
    mail = _mail_keep(message)
    return mail_deliver(mail_id=mail.pk)


def mail_deliver(*, mail_id: int) -> bool:
    """Send one kept mail and delete it; if the server refuses it, keep it with the time of the next try.

    The row lock makes two workers holding the same id send it once (the second finds it locked or gone).
    True once the server has taken it (or someone already sent it), False while it waits.
    """
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None:
            return True
        try:
            _mail_message(mail.message).send()
        except Exception as exc:  # noqa: BLE001 - any refusal: keep the mail and try again later
            mail.attempts += 1
            mail.error = f"{type(exc).__name__}: {exc}"[:300]
            wait = min(MAIL_RETRY_FIRST * 2 ** (mail.attempts - 1), MAIL_RETRY_MAX)
            mail.next_attempt_at = timezone.now() + wait
            mail.save(update_fields=["attempts", "error", "next_attempt_at"])
            log.warning("Mail %s to %s refused (attempt %s), kept: %s", mail.pk, mail.recipients, mail.attempts,
                        mail.error)
            if mail.attempts == MAIL_ALERT_AFTER:
                task_failure_record(task_name="pbcity.tasks.mail_send", task_id=f"mail-{mail.pk}",
                                    arguments=f"mail {mail.pk} to {mail.recipients} (kept, still tried)",
                                    error=mail.error)
            return False
        # Sent: the body may hold a password-reset link, so nothing of it stays.
        mail.delete()
    return True


def mail_give_up(*, older_than: datetime.timedelta) -> int:
    """Delete kept mails older than `older_than` (their links have expired), each leaving a TaskFailure."""
    stale = list(OutgoingMail.objects.filter(created_at__lt=timezone.now() - older_than))
    for mail in stale:
        task_failure_record(task_name="pbcity.tasks.mail_send", task_id="",
                            arguments=f"mail {mail.pk} to {mail.recipients}, given up after {mail.attempts} tries",
                            error=mail.error or "not sent")
    OutgoingMail.objects.filter(pk__in=[m.pk for m in stale]).delete()
    return len(stale)
