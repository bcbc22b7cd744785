from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.models import Notification, TaskFailure
from pbcity.permissions import can_resolve_task_failures
from pbcity.validators import single_line

_SUBJECT_MAX = Notification._meta.get_field("subject").max_length


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
            send_mail(note.subject, f"{note.body}\n\n{link}".strip(), None, [recipient.email])
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


def user_language_set(*, user, language: str) -> bool:
    """Remember the language a person reads in, for what reaches them outside a page (e-mails, PDFs)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the site's languages."))
    if not user.is_authenticated or user.language == language:
        return False
    get_user_model().objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
