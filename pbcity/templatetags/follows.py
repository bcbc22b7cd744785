"""`{% follow_button "proposal" proposal.pk %}`: the follow / unfollow form of a followable page."""
from django import template

from pbcity import selectors
from pbcity.permissions import can_follow

register = template.Library()


@register.inclusion_tag("pbcity/_follow.html", takes_context=True)
def follow_button(context, kind, target_id, label="", compact=False):
    """`label` names the thing for screen readers (in a table of several); `compact` hides the log-in hint."""
    request = context.get("request")
    user = getattr(request, "user", None)
    data = {"kind": kind, "target_id": target_id, "request": request, "csrf_token": context.get("csrf_token"),
            "signed_in": bool(user and user.is_authenticated), "label": label, "compact": compact}
    if data["signed_in"]:
        data["following"] = selectors.is_following(user=user, kind=kind, target_id=target_id)
        data["can_follow"] = data["following"] or can_follow((kind, target_id), user)
    return data
