"""Writes for the pre-meeting: principles, meeting record, designation, contests, contact log."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.systext import systext
from pbcity.tasks import enqueue
from pbcity.validators import validate_multi_line
from proposals import services as proposal_services
from proposals.models import Proposal

from .. import permissions as perm
from ..models import AgencyContact, ContestDecision, DesignationContest, DesignationPrinciples, PreMeeting

__all__ = [
    "contact_log", "contest_decide", "contest_raise", "premeeting_designate", "premeeting_plan",
    "premeeting_record", "principles_save",
]


def _required(text: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    validate_multi_line(text)
    return text


def principles_save(*, cycle, actor, text: str, agreed_on=None, reason: str = "") -> DesignationPrinciples:
    """Civil affairs keeps the cycle's designation principles; every version stays in the history."""
    if not perm.can_keep_principles(cycle, actor):
        raise PermissionDenied(_("Only civil affairs keeps the designation principles."))
    text = _required(text, _("Please enter the principles."))
    with transaction.atomic():
        doc = DesignationPrinciples.objects.select_for_update().filter(cycle=cycle).first()
        if doc is None:
            doc = DesignationPrinciples(cycle=cycle)
        doc.text, doc.agreed_on, doc.updated_by = text, agreed_on, actor
        doc._history_user = actor
        doc._change_reason = (reason or "").strip() or _("Principles updated")
        doc.save()
    return doc


def premeeting_plan(*, actor, cycle, district, held_on, venue: str) -> PreMeeting:
    if not perm.can_plan_premeeting(district, actor):
        raise PermissionDenied(_("Only the district office convenes its pre-meeting."))
    venue = _required(venue, _("Please give the place."))
    if PreMeeting.objects.filter(cycle=cycle, district=district).exists():
        raise ValidationError(_("This district already has a pre-meeting in this cycle."))
    pm = PreMeeting(cycle=cycle, district=district, held_on=held_on, venue=venue, created_by=actor)
    pm._history_user = actor
    pm._change_reason = _("Pre-meeting convened")
    pm.full_clean()
    pm.save()
    return pm


def premeeting_record(*, premeeting: PreMeeting, actor, attending_agencies, minutes: str) -> PreMeeting:
    """Record who attended and the minutes; the history keeps every earlier version."""
    if not perm.can_run_premeeting(premeeting, actor):
        raise PermissionDenied(_("Only the district office records its pre-meeting."))
    with transaction.atomic():
        pm = PreMeeting.objects.select_for_update().get(pk=premeeting.pk)
        pm.minutes = (minutes or "").strip()
        pm._history_user = actor
        pm._change_reason = _("Attendance and minutes recorded")
        pm.save()
        pm.attending_agencies.set(attending_agencies)
    return pm


def premeeting_designate(*, premeeting: PreMeeting, actor, designations, reason: str) -> list[Proposal]:
    """Designate lead and co-agencies for the whole agenda at once.

    `designations` holds (proposal, lead, co_agencies) for proposals still waiting for designation;
    all are designated or none (one transaction). Each designated agency's staff are notified.
    """
    if not perm.can_run_premeeting(premeeting, actor):
        raise PermissionDenied(_("Only the district office designates agencies at its pre-meeting."))
    reason = _required(reason, _("Please give a reason; it is kept in the public record."))
    if not designations:
        raise ValidationError(_("Choose a lead agency for at least one proposal."))
    done = []
    with transaction.atomic():
        for proposal, lead, co in designations:
            if (proposal.cycle_id, proposal.district_id) != (premeeting.cycle_id, premeeting.district_id):
                raise ValidationError(_("“%(title)s” is not on this pre-meeting's agenda.") % {"title": proposal.title})
            p = proposal_services.proposal_designate_agencies(
                proposal=proposal, actor=actor, lead=lead, co_agencies=co,
                reason=systext("deliberation.premeeting", date=premeeting.held_on.isoformat(), reason=reason),
            )
            log_id = p.transitions.order_by("-id").values_list("id", flat=True).first()
            ids = [lead.pk, *[a.pk for a in co if a.pk != lead.pk]]
            enqueue("deliberation.tasks.premeeting.designation_notify", p.pk, ids, f"designation:{log_id}")
            done.append(p)
    return done


def contest_raise(*, proposal: Proposal, actor, agency, reason: str) -> DesignationContest:
    """A designated agency contests its designation; the district office decides on record."""
    reason = _required(reason, _("Please say why your agency contests the designation."))
    with transaction.atomic():
        p = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
        if not perm.can_contest(p, actor) or agency.pk not in perm.acting_agency_ids(p, actor):
            raise PermissionDenied(_("Only a designated agency may contest its designation."))
        if DesignationContest.objects.filter(proposal=p, agency=agency, decision__isnull=True).exists():
            raise ValidationError(_("Your agency's earlier contest is still waiting for a decision."))
        contest = DesignationContest.objects.create(proposal=p, agency=agency, reason=reason, raised_by=actor)
        enqueue("deliberation.tasks.premeeting.contest_notify", p.pk, agency.name, f"contest:{contest.pk}")
    return contest


def contest_decide(*, contest: DesignationContest, actor, outcome: str, reason: str, new_lead=None,
                   new_co_agencies=()) -> ContestDecision:
    """Keep the designation, or change it to the agencies named. The old designation is kept on record."""
    reason = _required(reason, _("Please give the reason for the decision."))
    if outcome not in ContestDecision.Outcome.values:
        raise ValidationError(_("Choose a decision."))
    with transaction.atomic():
        # The proposal's row lock serialises decisions (contests are append-only: no row lock on them).
        p = Proposal.objects.select_for_update(of=("self",)).get(pk=contest.proposal_id)
        c = DesignationContest.objects.select_related("proposal").get(pk=contest.pk)
        if not perm.can_decide_contest(c, actor):
            raise PermissionDenied(_("Only the district office decides on contests."))
        if ContestDecision.objects.filter(contest=c).exists():
            raise ValidationError(_("This contest has already been decided."))
        if p.state not in perm.DESIGNATED_STATES:
            raise ValidationError(_("The designation can no longer change at this stage."))
        old_co = list(p.co_agencies.order_by("code"))
        decision = ContestDecision(
            contest=c, outcome=outcome, reason=reason, old_lead=p.lead_agency,
            old_co_agencies=",".join(a.code for a in old_co), decided_by=actor,
        )
        if outcome == ContestDecision.Outcome.CHANGED:
            if new_lead is None:
                raise ValidationError(_("Name the lead agency for a changed designation."))
            co = [a for a in new_co_agencies if a.pk != new_lead.pk]
            if new_lead.pk == p.lead_agency_id and {a.pk for a in co} == {a.pk for a in old_co}:
                raise ValidationError(_("The new designation is the same as the old one."))
            decision.new_lead = new_lead
            decision.new_co_agencies = ",".join(sorted(a.code for a in co))
            # Not a lifecycle step: the state stays; the field history records who, when and why.
            note = _("Designation changed after a contest: %(reason)s") % {"reason": reason}
            p.lead_agency = new_lead
            p._history_user, p._change_reason = actor, note
            p.co_agencies.set(co)
            p.save()
            added = [a.pk for a in [new_lead, *co] if a.pk != c.agency_id]
            enqueue("deliberation.tasks.premeeting.designation_notify", p.pk, added, f"redesignation:{c.pk}")
        decision.save()
    return decision


def contact_log(*, proposal: Proposal, actor, agency, contacted_on, way: str, summary: str) -> AgencyContact:
    summary = _required(summary, _("Please summarise the contact."))
    if way not in AgencyContact.Way.values:
        raise ValidationError(_("Choose how the proposers were contacted."))
    if not perm.can_log_contact(proposal, actor) or agency.pk not in perm.acting_agency_ids(proposal, actor):
        raise PermissionDenied(_("Only a designated agency logs its contacts with the proposers."))
    if contacted_on > timezone.localdate():
        raise ValidationError(_("A contact cannot be in the future."))
    return AgencyContact.objects.create(proposal=proposal, agency=agency, contacted_on=contacted_on, way=way,
                                        summary=summary, recorded_by=actor)

