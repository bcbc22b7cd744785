"""Inclusion tags that show the deliberation stage on proposals' pages (detail, audit, work queue)."""
from django import template

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
        "has_record": proposal.state not in ("draft", "raised", "assembly_rejected"),
    }


@register.inclusion_tag("deliberation/tags/audit.html")
def deliberation_audit(proposal):
    """On the committee's audit page: contests and decisions, side-track records, who and when."""
    return {"proposal": proposal, **selectors.proposal_deliberation_record(proposal=proposal)}


@register.inclusion_tag("deliberation/tags/overdue.html", takes_context=True)
def overdue_assessments(context):
    """On the work queue: assessments past their 31 August deadline (committee: all; agency: its own)."""
    user = context["request"].user
    return {"rows": selectors.assessments_overdue(user=user)}
