import base64
import datetime
import hashlib
import logging
import secrets
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.models import (
    FIXED_DELIVERY,
    Delivery,
    Follow,
    MFAEnrolmentLink,
    Notification,
    NotificationDigest,
    NotificationKind,
    NotificationPreference,
    OutgoingMail,
    TaskFailure,
)
from pbcity.permissions import can_follow, can_issue_mfa_enrolment_link, can_resolve_task_failures
from pbcity.validators import single_line

_SUBJECT_MAX = Notification._meta.get_field("subject").max_length
log = logging.getLogger("pbcity.mail")


def notification_deliver(*, recipient, key: str, subject: str, body: str, url: str = "",
                         kind: str = NotificationKind.WORK, topic: str = "", attachments=()) -> Notification:
    """Put a message in the recipient's inbox and e-mail it as they chose, at most once per (recipient, key).

    The recipient's preference for `kind` decides: in the inbox only, an e-mail now, or a place in
    tomorrow's daily digest (`notification_digest_send`); a kind without a choice (staff work items)
    is always e-mailed now. A retried or duplicated task finds the existing row; the row lock
    serialises two runs at once, so only the first one sends the e-mail. The subject is made one line
    that fits, whatever the titles in it hold: a line break in an e-mail header is refused by the
    mail library. `attachments` are (filename, bytes, mimetype), or parts from `mail_attachment`, for the
    immediate e-mail only.
    """
    from pbcity.selectors import notification_delivery_for

    subject = single_line(subject, limit=_SUBJECT_MAX)
    delivery = notification_delivery_for(user=recipient, kind=kind)
    try:
        with transaction.atomic():
            Notification.objects.get_or_create(
                recipient=recipient, key=key,
                defaults={"subject": subject, "body": body, "url": url, "kind": kind, "topic": topic,
                          "delivery": delivery},
            )
    except IntegrityError:  # the other run inserted it first
        pass
    with transaction.atomic():
        note = Notification.objects.select_for_update().get(recipient=recipient, key=key)
        if note.delivery == Delivery.IMMEDIATE and note.emailed_at is None and recipient.email:
            link = f"{settings.SITE_URL}{url}" if url else ""
            message = EmailMessage(note.subject, f"{note.body}\n\n{link}".strip(), None, [recipient.email])
            for attachment in attachments:
                if isinstance(attachment, MIMEBase):
                    message.attach(attachment)
                else:
                    message.attach(*attachment)
            # Kept with the mark below in one transaction: an SMTP outage leaves it in the mail outbox.
            mail_send_or_keep(message=message)
            note.emailed_at = timezone.now()
            note.save(update_fields=["emailed_at"])
    return note


def notification_preference_set(*, user, kind: str, delivery: str) -> NotificationPreference:
    """Choose how `kind` reaches `user`; staff work items stay immediate (refused otherwise)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to choose how you are notified."))
    if kind not in NotificationKind.values or delivery not in Delivery.values:
        raise ValidationError(_("Choose one of the listed kinds and ways."))
    fixed = FIXED_DELIVERY.get(kind)
    if fixed is not None and delivery != fixed:
        raise ValidationError(_("Staff work items are always e-mailed at once: somebody is waiting on them."))
    pref, _created = NotificationPreference.objects.update_or_create(user=user, kind=kind,
                                                                     defaults={"delivery": delivery})
    return pref


def follow_add(*, user, kind: str, target_id: int) -> Follow:
    """`user` follows a proposal, project or round they may see (safe to repeat)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to follow."))
    if not can_follow((kind, target_id), user):
        raise PermissionDenied(_("This cannot be followed."))
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(user=user, target_kind=kind, target_id=target_id)
    except IntegrityError:  # the same person's other request inserted it first
        follow = Follow.objects.get(user=user, target_kind=kind, target_id=target_id)
    return follow


def follow_add_concerned(*, user, kind: str, target_id: int) -> None:
    """The owning app makes a concerned person (a proposer) follow its thing; no check: the app decided."""
    Follow.objects.get_or_create(user=user, target_kind=kind, target_id=target_id)


def follow_remove(*, user, kind: str, target_id: int) -> int:
    """`user` stops following; a proposer keeps their own proposal (they receive its news anyway)."""
    from pbcity.follows import followable

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to follow."))
    entry = followable(kind)
    if entry is not None and entry.concerned is not None and entry.concerned(target_id, user):
        raise ValidationError(_("You proposed it, so you receive its progress. Choose how in your "
                                "notification settings."))
    deleted, _rows = Follow.objects.filter(user=user, target_kind=kind, target_id=target_id).delete()
    return deleted


def notification_digests_start(*, day: datetime.date | None = None) -> int:
    """Beat's entry point: one digest task per person with something waiting for their digest."""
    from pbcity.tasks import enqueue_now

    day = day or timezone.localdate()
    users = (Notification.objects.filter(delivery=Delivery.DIGEST, digest__isnull=True)
             .values_list("recipient_id", flat=True).distinct().order_by("recipient_id"))
    return sum(enqueue_now("pbcity.tasks.notification_digest_send", user_id, day.isoformat()) for user_id in users)


def notification_digest_send(*, user, day: datetime.date) -> NotificationDigest | None:
    """Build and e-mail `user`'s digest of `day`: exactly once, however often or concurrently it runs.

    The digest row is inserted first: a second run (beat firing twice, two workers) waits on the unique
    (user, day) index until the first commits, then fails to insert and sends nothing. The waiting
    notifications are locked and tied to the digest in the same transaction as the mail, so each one is
    in exactly one digest. Returns the digest, or None when this day's digest was already made.
    """
    from django.template.loader import render_to_string
    from django.utils import translation

    from pbcity.selectors import inbox_groups

    with transaction.atomic():
        try:
            with transaction.atomic():
                digest = NotificationDigest.objects.create(user=user, day=day)
        except IntegrityError:
            return None
        notes = list(Notification.objects.select_for_update()
                     .filter(recipient=user, delivery=Delivery.DIGEST, digest__isnull=True)
                     .order_by("-created_at", "-id"))
        now = timezone.now()
        digest.items = len(notes)
        if notes and user.email:
            with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
                context = {"user": user, "day": day, "groups": inbox_groups(notes=notes), "count": len(notes),
                           "site_url": settings.SITE_URL}
                subject = single_line(render_to_string("pbcity/email/digest_subject.txt", context), limit=200)
                body = render_to_string("pbcity/email/digest.txt", context)
            mail_send_or_keep(message=EmailMessage(subject, body, None, [user.email]))
            digest.emailed = True
        digest.save(update_fields=["items", "emailed"])
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
            digest=digest, emailed_at=now if digest.emailed else None)
    return digest


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


# -- enrolment of a privileged account's first authenticator (docs/security.md) ---------------------

logger = logging.getLogger(__name__)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_link_issue(*, account, actor, authorised: bool = False) -> str:
    """Issue a one-time enrolment link for `account`; returns its token, shown once and stored only hashed.

    `authorised=True` is for the operator's `manage.py mfa_enrolment_link` (shell access to the server).
    A new link retires the account's unused one.
    """
    if not (authorised or can_issue_mfa_enrolment_link(account, actor)):
        raise PermissionDenied(_("Only site administrators may issue enrolment links, and a superuser's only a "
                                 "superuser."))
    if not account.is_active:
        raise ValidationError(_("This account is not active."))
    if _has_totp(account):
        raise ValidationError(_("This account already has two-factor authentication; it needs no enrolment link."))
    token = secrets.token_urlsafe(32)
    hours = settings.MFA_ENROLMENT_LINK_HOURS
    with transaction.atomic():
        MFAEnrolmentLink.objects.filter(user=account, used_at__isnull=True).delete()
        MFAEnrolmentLink.objects.create(
            user=account, token_hash=_token_hash(token), issued_by=actor,
            expires_at=timezone.now() + datetime.timedelta(hours=hours),
        )
    logger.info("mfa enrolment link issued for user %s by %s", account.pk, getattr(actor, "pk", "operator"))
    return token


def mfa_enrolment_link_check(*, token: str, user, lock: bool = False) -> MFAEnrolmentLink:
    """The unused, unexpired link of `user` with this token; ValidationError saying why not otherwise."""
    qs = MFAEnrolmentLink.objects.select_for_update() if lock else MFAEnrolmentLink.objects
    link = qs.filter(token_hash=_token_hash(token or "")).first()
    if link is None:
        raise ValidationError(_("This enrolment link is not valid. Ask an administrator for a new one."))
    if link.user_id != getattr(user, "pk", None):
        raise ValidationError(_("This enrolment link was issued for another account. Sign in with that account, "
                                "or ask an administrator for a link for yours."))
    if link.used_at is not None:
        raise ValidationError(_("This enrolment link has already been used. Ask an administrator for a new one."))
    if link.expires_at <= timezone.now():
        raise ValidationError(_("This enrolment link has expired. Ask an administrator for a new one."))
    return link


def mfa_enrolment_complete(*, token: str, user, secret: str, code: str) -> None:
    """Turn on TOTP (and recovery codes) for `user` with a valid link and a code from the new secret.

    The link row is locked and marked used in the same transaction, so a link enrols exactly once.
    """
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code

    with transaction.atomic():
        link = mfa_enrolment_link_check(token=token, user=user, lock=True)
        if _has_totp(user):
            raise ValidationError(_("Two-factor authentication is already on for this account."))
        if not secret or not validate_totp_code(secret, (code or "").strip()):
            raise ValidationError(_("That code is not right. Enter the 6-digit code your authenticator app shows "
                                    "now."))
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    user._pb_mfa = None
    logger.info("mfa enrolled by link for user %s", user.pk)


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
        if isinstance(attachment, MIMEBase):  # mail_attachment's part: its bytes, encoded again if it is kept
            filename, content = attachment.get_filename(), attachment.get_payload(decode=True)
            mimetype = attachment.get_content_type()
        else:
            filename, content, mimetype = attachment
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


def _mail_refused(mail: OutgoingMail, exc: Exception) -> None:
    """Count a refusal of a kept mail and set its next try; staff hear of it after MAIL_ALERT_AFTER."""
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


def mail_attachment(filename: str, content: bytes, mimetype: str) -> MIMEBase:
    """An attachment encoded once (base64), as Django would, to attach to many messages: a report's PDF
    sent to each recipient is not encoded again per recipient. Kept mails store its bytes (`_mail_data`)."""
    part = MIMEBase(*mimetype.split("/", 1))
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


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

    For tasks, which may wait on the mail server but must not lose a mail to its outage. Inside the
    caller's transaction (notification_deliver, the digest) the caller's own row is what records the mail
    as owed or sent, and a kept row could not outlive a rollback anyway: the mail is sent as built and kept
    only if refused. That saves writing, reading and deleting a copy of every attachment (a quarterly
    report's PDF, base64 in JSON) per recipient. Outside a transaction the row is committed first, so
    a crash before the send leaves it to `mail_flush`.
    """
    if not transaction.get_connection().in_atomic_block:
        mail = _mail_keep(message)
        return mail_deliver(mail_id=mail.pk)
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any refusal: keep the mail and try again later
        _mail_refused(_mail_keep(message), exc)
        return False
    return True


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
            _mail_refused(mail, exc)
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


def user_language_set(*, user, language: str) -> bool:
    """Remember the language a person reads in, for what reaches them outside a page (e-mails, PDFs)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the site's languages."))
    if not user.is_authenticated or user.language == language:
        return False
    get_user_model().objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
