"""Inclusion tags that show the deliberation stage on proposals' pages (detail, audit, work queue)."""
from django import template

from .. import permissions as perm
from .. import selectors
from ..models import ExclusionRecord

register = template.Library()


@register.inclusion_tag("deliberation/tags/proposal.html", takes_context=True)
def deliberation_on_proposal(context, proposal):
    """On the proposal page: why it was excluded, a link to its pre-meeting record, its revisions as diffs."""
    return {
        "proposal": proposal,
        "exclusion": ExclusionRecord.objects.filter(proposal=proposal).select_related("category").first(),
        "diffs": selectors.revision_diffs(proposal=proposal),
        "has_record": proposal.is_public and proposal.state not in ("raised", "assembly_rejected"),
    }


@register.inclusion_tag("deliberation/tags/audit.html")
def deliberation_audit(proposal):
    """On the committee's audit page: contests and decisions, side-track records, who and when."""
    return {"proposal": proposal, **selectors.proposal_deliberation_record(proposal=proposal)}


@register.inclusion_tag("deliberation/tags/queue.html", takes_context=True)
def deliberation_queue(context):
    """On the work queue: stage-1 opinions the user's agency owes, contests waiting for the office's
    decision, and assessments past their 31 August deadline (committee: all; agency: its own)."""
    user = context["request"].user
    return {
        "opinions": selectors.opinions_awaited(user=user),
        "contests": selectors.contests_awaiting_decision(user=user),
        "overdue": selectors.assessments_overdue(user=user) if perm.can_view_overdue_assessments(user) else [],
    }
