from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from pbcity.models import Notification


def notification_deliver(*, recipient, key: str, subject: str, body: str, url: str = "") -> Notification:
    """Put a message in the recipient's inbox and e-mail it, at most once per (recipient, key).

    A retried or duplicated task finds the existing row; the row lock serialises two runs at once,
    so only the first one sends the e-mail.
    """
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
