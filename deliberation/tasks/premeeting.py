"""Notifications of the deliberation stage, sent after the transaction commits. Safe to run twice."""
from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.models import RoleAssignment
from pbcity.roles import Role
from pbcity.services import notification_deliver
from pbcity.tasks import RETRY_POLICY
from proposals.models import Proposal


def _agency_staff(agency_ids):
    return {ra.user for ra in RoleAssignment.objects.filter(role=Role.AGENCY, agency_id__in=agency_ids)
            .select_related("user")}


def _office_staff(district_id):
    return {ra.user for ra in RoleAssignment.objects.filter(role=Role.DISTRICT_OFFICE, district_id=district_id)
            .select_related("user")}


@shared_task(bind=True, **RETRY_POLICY)
def designation_notify(self, proposal_id: int, agency_ids: list, key: str) -> int:
    """Tell the staff of each designated agency that a proposal is theirs (lead or co-agency)."""
    proposal = Proposal.objects.select_related("lead_agency").get(pk=proposal_id)
    sent = 0
    for user in _agency_staff(agency_ids):
        with translation.override(user.language or "zh-hant"):
            lead = proposal.lead_agency.display_name if proposal.lead_agency else "—"
            subject = _("Your agency is designated for “%(title)s”") % {"title": proposal.title}
            body = _("Lead agency: %(lead)s. The proposal is in your work queue; contact the proposers before "
                     "the workshop, or contest the designation with a reason.") % {"lead": lead}
        notification_deliver(recipient=user, key=f"{key}:{user.pk}", subject=subject, body=body,
                             url=proposal.get_absolute_url())
        sent += 1
    return sent


@shared_task(bind=True, **RETRY_POLICY)
def contest_notify(self, proposal_id: int, agency_name: str, key: str) -> int:
    """Tell the district office that an agency contests its designation."""
    proposal = Proposal.objects.get(pk=proposal_id)
    sent = 0
    for user in _office_staff(proposal.district_id):
        with translation.override(user.language or "zh-hant"):
            subject = _("%(agency)s contests its designation for “%(title)s”") % {
                "agency": agency_name, "title": proposal.title}
            body = _("Please decide on the contest in the pre-meeting record.")
        notification_deliver(recipient=user, key=f"{key}:{user.pk}", subject=subject, body=body,
                             url=proposal.get_absolute_url())
        sent += 1
    return sent


# The review panel's tasks live in their own module; importing them here registers them with the worker.
