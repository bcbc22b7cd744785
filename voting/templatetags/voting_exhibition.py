"""The exhibition's box on the proposal page: a link to its exhibition page, comments and A3 poster."""
from django import template

from voting import permissions as perm

register = template.Library()


@register.inclusion_tag("voting/_exhibition_panel.html")
def exhibition_panel(proposal):
    shown = perm.can_view_exhibition(proposal, None)
    count = proposal.exhibition_comments.filter(hidden=False).count() if shown else 0
    return {"proposal": proposal, "shown": shown, "n_comments": count}
