from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.tasks import RETRY_POLICY, enqueue_isolated, notification_send

from .models import TransitionLog


@shared_task(bind=True, **RETRY_POLICY)
def transition_notify(self, log_id: int) -> int:
    """Tell every proposer with an account that their proposal moved. Safe to run twice.

    Each proposer gets a task of their own, so one failing delivery neither stops the others nor
    repeats theirs; a failure is retried and then recorded for staff (pbcity/celery.py).
    """
    entry = TransitionLog.objects.select_related("proposal").get(pk=log_id)
    proposal = entry.proposal
    queued = 0
    for proposer in proposal.proposers.select_related("user").filter(user__isnull=False):
        user = proposer.user
        with translation.override(user.language or "zh-hant"):
            subject = _("Your proposal “%(title)s” is now: %(state)s") % {
                "title": proposal.title,
                "state": entry.get_to_state_display(),
            }
            body = _("From “%(old)s” to “%(new)s”.\nReason: %(reason)s") % {
                "old": entry.get_from_state_display(),
                "new": entry.get_to_state_display(),
                "reason": entry.reason,
            }
        queued += enqueue_isolated(
            notification_send, user.pk, f"transition:{entry.pk}", subject, body, proposal.get_absolute_url()
        )
    return queued
