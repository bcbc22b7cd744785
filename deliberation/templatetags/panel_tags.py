"""Inclusion tag: the review panel's lights and outcome on the proposal page."""
from django import template

from proposals.selectors import panel_review

from .. import selectors
from ..models import Verdict

register = template.Library()


@register.inclusion_tag("deliberation/tags/panel.html")
def panel_on_proposal(proposal):
    """The panel that reviews this proposal (once it is in the workshop) and, after closing, its lights."""
    verdict = Verdict.objects.filter(proposal=proposal).select_related("panel__district").first()
    if verdict is not None:
        return {"panel": verdict.panel, "verdict": verdict}
    if proposal.state != "in_workshop":
        # No verdict row (demo data, rows from before the panel): what the history records, never nothing.
        return {"panel": None, "verdict": panel_review(proposal=proposal)}
    return {"panel": selectors.panel_of_proposal(proposal=proposal), "verdict": None}
