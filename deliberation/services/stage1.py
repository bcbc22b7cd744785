"""Writes for stage 1 of the review workshop: sessions, agency opinions, expert suggestions.
Revisions of the plan go through `proposals.services.proposal_revise` (see proposals.permissions.can_revise)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from proposals.models import Proposal

from .. import permissions as perm
from ..models import AgencyOpinion, ExpertSuggestion, WorkshopSession

__all__ = ["opinion_record", "session_plan", "suggestion_record"]


def session_plan(*, actor, cycle, district, starts_at, venue: str = "", online_url: str = "",
                 experts=()) -> WorkshopSession:
    if not perm.can_plan_premeeting(district, actor):
        raise PermissionDenied(_("Only the district office plans its workshop sessions."))
    venue, online_url = (venue or "").strip(), (online_url or "").strip()
    if not venue and not online_url:
        raise ValidationError(_("Give a place, an online meeting link, or both."))
    unavailable = [e.name for e in experts if not e.available_for_workshops]
    if unavailable:
        raise ValidationError(_("Not available for workshops: %(names)s") % {"names": "、".join(unavailable)})
    with transaction.atomic():
        s = WorkshopSession(cycle=cycle, district=district, starts_at=starts_at, venue=venue,
                            online_url=online_url, created_by=actor)
        s.full_clean()
        s._history_user = actor
        s.save()
        s.experts.set(experts)
    return s


def _on_session(session, proposal) -> None:
    if (proposal.cycle_id, proposal.district_id) != (session.cycle_id, session.district_id):
        raise ValidationError(_("This proposal is not discussed at this session."))
    if proposal.state != "in_workshop":
        raise ValidationError(_("Only proposals in the workshop are discussed."))


def opinion_record(*, session: WorkshopSession, proposal: Proposal, actor, agency, verdict: str, reasons: str,
                   alternatives: str = "", cost_estimate=None) -> AgencyOpinion:
    """A designated agency's opinion; a later one supersedes an earlier one and both are kept."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Please give the reasons for the opinion."))
    if verdict not in AgencyOpinion.Verdict.values:
        raise ValidationError(_("Choose an opinion."))
    if verdict != AgencyOpinion.Verdict.FEASIBLE and not (alternatives or "").strip():
        raise ValidationError(_("Please describe the changes or alternatives."))
    _on_session(session, proposal)
    if not perm.can_give_opinion(proposal, actor) or agency.pk not in perm.acting_agency_ids(proposal, actor):
        raise PermissionDenied(_("Only a designated agency gives its opinion on this proposal."))
    return AgencyOpinion.objects.create(
        session=session, proposal=proposal, agency=agency, verdict=verdict, reasons=reasons,
        alternatives=(alternatives or "").strip(), cost_estimate=cost_estimate, recorded_by=actor,
    )


def suggestion_record(*, session: WorkshopSession, proposal: Proposal, actor, expert,
                      suggestion: str) -> ExpertSuggestion:
    """The district office enters an invited expert's suggestion (experts have no accounts)."""
    suggestion = (suggestion or "").strip()
    if not suggestion:
        raise ValidationError(_("Please enter the suggestion."))
    if not perm.can_run_session(session, actor):
        raise PermissionDenied(_("Only the district office running the session enters experts' suggestions."))
    _on_session(session, proposal)
    if not session.experts.filter(pk=expert.pk).exists():
        raise ValidationError(_("Only experts invited to this session give suggestions here."))
    return ExpertSuggestion.objects.create(session=session, proposal=proposal, expert=expert,
                                           suggestion=suggestion, recorded_by=actor)
