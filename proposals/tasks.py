from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.services import notification_deliver

from .models import TransitionLog


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def transition_notify(self, log_id: int) -> int:
    """Tell every proposer with an account that their proposal moved. Safe to run twice."""
    log = TransitionLog.objects.select_related("proposal").get(pk=log_id)
    proposal = log.proposal
    sent = 0
    for proposer in proposal.proposers.select_related("user").filter(user__isnull=False):
        user = proposer.user
        with translation.override(user.language or "zh-hant"):
            subject = _("Your proposal “%(title)s” is now: %(state)s") % {
                "title": proposal.title,
                "state": log.get_to_state_display(),
            }
            body = _("From “%(old)s” to “%(new)s”.\nReason: %(reason)s") % {
                "old": log.get_from_state_display(),
                "new": log.get_to_state_display(),
                "reason": log.reason,
            }
        notification_deliver(
            recipient=user, key=f"transition:{log.pk}", subject=subject, body=body, url=proposal.get_absolute_url()
        )
        sent += 1
    return sent
