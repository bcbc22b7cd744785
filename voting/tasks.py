"""Background work of the voting stage. Every task is safe to run twice."""
import logging

from celery import shared_task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.tasks import RETRY_POLICY, notification_send

log = logging.getLogger("pbcity.tasks")


# --- Voters (V1) -------------------------------------------------------------------------------

@shared_task(bind=True, **RETRY_POLICY)
def voter_notify(self, *, voter_id: int, status: str) -> None:
    """Tell a voter where their registration stands. The message never carries the ID number."""
    from voting.models import Voter

    voter = Voter.objects.select_related("user", "cycle").get(pk=voter_id)
    user = voter.user
    with translation.override(user.language or "zh-hant"):
        subject = {
            Voter.Status.PENDING: _("Your voter registration is awaiting verification"),
            Voter.Status.VERIFIED: _("You are verified as a voter"),
            Voter.Status.REJECTED: _("Your voter registration was not accepted"),
        }[status]
        body = _("Cycle: %(cycle)s. Status: %(status)s.") % {
            "cycle": voter.cycle.name, "status": Voter.Status(status).label}
        if status == Voter.Status.REJECTED and voter.decision_reason:
            body += "\n" + _("Reason: %(reason)s") % {"reason": voter.decision_reason}
    try:
        notification_send.delay(user.pk, f"voter:{voter.pk}:{status}", subject, body, reverse("voting:voter_status"))
    except Exception:  # run eagerly, the failure is already recorded by the task_failure handler
        log.exception("Voter notification %s failed", voter.pk)


@shared_task(bind=True, **RETRY_POLICY)
def register_import_run_task(self, *, job_id: int) -> int:
    """Import one household-register file (the service refuses to run a job twice)."""
    from voting.services.voters import register_import_run

    return register_import_run(job_id=job_id).pk
