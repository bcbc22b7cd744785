"""Invitations to the committee's meetings and announcements of hearings (one task per recipient)."""
from celery import shared_task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.tasks import RETRY_POLICY, enqueue_isolated, notification_send


@shared_task(bind=True, **RETRY_POLICY)
def meeting_invite(self, meeting_id: int) -> int:
    """Invite the staff of every agency named on the agenda (once per person and meeting: the key)."""
    from tracking.selectors import agency_staff

    from . import selectors
    from .models import Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    agencies = selectors.invited_agencies(meeting=meeting)
    sent = 0
    for user in agency_staff(agency_ids=[a.pk for a in agencies]):
        with translation.override(user.language or "zh-hant"):
            subject = _("Invitation: PB group meeting “%(m)s” on %(d)s") % {"m": meeting.title,
                                                                          "d": meeting.held_on.isoformat()}
            body = _("Your agency has items on the agenda. Please attend and report. Place: %(p)s.") % {
                "p": meeting.place}
        enqueue_isolated(notification_send, user.pk, f"meeting-invite:{meeting.pk}:{user.pk}", subject, body,
                         meeting.get_public_url())
        sent += 1
    return sent


@shared_task(bind=True, **RETRY_POLICY)
def hearing_announce(self, hearing_id: int) -> int:
    """Tell the proposers and the followers of the proposal and of its project about a hearing."""
    from pbcity.follows import topic
    from pbcity.selectors import followers

    from .models import Hearing

    h = Hearing.objects.select_related("proposal").get(pk=hearing_id)
    people = {pp.user.pk: pp.user for pp in h.proposal.proposers.select_related("user").filter(user__isnull=False)}
    people.update({u.pk: u for u in followers(kind="proposal", target_id=h.proposal_id)})
    kind, target = ("project", h.project_id) if h.project_id else ("proposal", h.proposal_id)
    if h.project_id:
        people.update({u.pk: u for u in followers(kind="project", target_id=h.project_id)})
    for user in people.values():
        with translation.override(user.language or "zh-hant"):
            subject = _("%(kind)s on “%(p)s”: %(when)s") % {
                "kind": h.get_kind_display(), "p": h.proposal.title,
                "when": translation.gettext("%(d)s at %(place)s") % {
                    "d": timezone.localtime(h.starts_at).strftime("%Y-%m-%d %H:%M"), "place": h.place}}
            body = h.description or h.title
        enqueue_isolated(notification_send, user.pk, f"hearing:{h.pk}", subject, body, h.get_absolute_url(),
                         kind=kind, topic=topic(kind, target))
    return len(people)
