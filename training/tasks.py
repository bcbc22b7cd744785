from celery import shared_task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.services import notification_deliver
from pbcity.tasks import RETRY_POLICY

from .models import CitizenCard, Registration


@shared_task(bind=True, **RETRY_POLICY)
def card_issued_notify(self, card_id: int) -> None:
    card = CitizenCard.objects.select_related("holder").get(pk=card_id)
    with translation.override(card.holder.language or "zh-hant"):
        subject = _("You have earned the %(level)s") % {"level": card.get_level_display()}
        body = _("Card number %(number)s, issued on %(date)s. You can download it from your training page.") % {
            "number": card.number, "date": card.issued_on.isoformat(),
        }
    notification_deliver(
        recipient=card.holder, key=f"training:card:{card.pk}", subject=subject, body=body, url=card.get_absolute_url(),
        kind="account",
    )


@shared_task(bind=True, **RETRY_POLICY)
def seat_offered_notify(self, registration_id: int) -> None:
    """A seat came free and the waiting list moved this person up."""
    reg = Registration.objects.select_related("user", "session__course").get(pk=registration_id)
    with translation.override(reg.user.language or "zh-hant"):
        subject = _("A seat is yours: %(course)s") % {"course": reg.session.course.title}
        body = _("A seat came free in the session on %(when)s and you moved up from the waiting list.") % {
            "when": timezone.localtime(reg.session.starts_at).strftime("%Y-%m-%d %H:%M"),
        }
    notification_deliver(
        recipient=reg.user, key=f"training:seat:{reg.pk}:{reg.queued_at.timestamp()}", subject=subject, body=body,
        url=reg.session.get_absolute_url(), kind="account",
    )
