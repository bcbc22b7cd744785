from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.follows import topic
from pbcity.selectors import followers
from pbcity.tasks import RETRY_POLICY, enqueue_isolated, notification_send

from .models import TransitionLog


@shared_task(bind=True, **RETRY_POLICY)
def transition_notify(self, log_id: int) -> int:
    """Tell every proposer with an account, and everyone following it, that a proposal moved. Safe to run twice.

    Each recipient gets a task of their own, so one failing delivery neither stops the others nor
    repeats theirs; a failure is retried and then recorded for staff (pbcity/celery.py). How it reaches
    each person (inbox, e-mail, digest) is their choice for proposal progress (pbcity.services).
    """
    entry = TransitionLog.objects.select_related("proposal").get(pk=log_id)
    proposal = entry.proposal
    proposers = [pp.user for pp in proposal.proposers.select_related("user").filter(user__isnull=False)]
    seen = {u.pk for u in proposers}
    # Followers only of a public proposal (a private one cannot be followed, docs/decisions.md).
    watching = [u for u in followers(kind="proposal", target_id=proposal.pk) if u.pk not in seen] \
        if proposal.is_public else []
    queued = 0
    for user, own in [(u, True) for u in proposers] + [(u, False) for u in watching]:
        with translation.override(user.language or "zh-hant"):
            args = {"title": proposal.title, "state": entry.get_to_state_display()}
            if own:
                subject = _("Your proposal “%(title)s” is now: %(state)s") % args
            else:
                subject = _("A proposal you follow, “%(title)s”, is now: %(state)s") % args
            body = _("From “%(old)s” to “%(new)s”.\nReason: %(reason)s") % {
                "old": entry.get_from_state_display(),
                "new": entry.get_to_state_display(),
                "reason": entry.reason,
            }
        queued += enqueue_isolated(
            notification_send, user.pk, f"transition:{entry.pk}", subject, body, proposal.get_absolute_url(),
            kind="proposal", topic=topic("proposal", proposal.pk),
        )
    return queued


@shared_task(bind=True, **RETRY_POLICY)
def orphans_scan(self) -> int:
    """Beat, daily: flag proposers who stopped taking part (proposals.services.orphans_flag)."""
    from .services import orphans_flag

    return orphans_flag()


@shared_task(bind=True, **RETRY_POLICY)
def orphan_notify(self, flag_id: int) -> int:
    """Tell the district office's staff that a proposer has stopped taking part (a work item each)."""
    from django.urls import reverse

    from pbcity.models import User
    from pbcity.permissions import acts_as
    from pbcity.roles import Role

    from .models import OrphanFlag

    flag = OrphanFlag.objects.select_related("proposal", "proposer").get(pk=flag_id)
    district_id = flag.proposal.district_id
    staff = [u for u in User.objects.filter(roles__role=Role.DISTRICT_OFFICE, roles__district_id=district_id,
                                            is_active=True).distinct()
             if acts_as(u, Role.DISTRICT_OFFICE, district_id=district_id)]
    for user in staff:
        with translation.override(user.language or "zh-hant"):
            subject = _("A proposer has stopped taking part: %(title)s") % {"title": flag.proposal.title}
            body = _("%(name)s has not answered or attended since %(day)s. Please find a new contact.") % {
                "name": flag.proposer.name, "day": flag.last_activity_at.date().isoformat()}
        enqueue_isolated(notification_send, user.pk, f"orphan:{flag.pk}", subject, body,
                         reverse("proposals:orphans"), topic=topic("proposal", flag.proposal_id))
    return len(staff)
