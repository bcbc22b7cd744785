"""`{% follow_button "proposal" proposal.pk %}`: the follow / unfollow form of a followable page."""
from django import template
from django.middleware.csrf import get_token

from pbcity import selectors
from pbcity.permissions import can_follow

register = template.Library()


def follow_context(request, kind, target_id, label="", compact=False, next_url=None) -> dict:
    """What `pbcity/_follow.html` needs; also the htmx answer of the follow and unfollow views."""
    from pbcity.follows import followable

    user = getattr(request, "user", None)
    data = {"kind": kind, "target_id": target_id, "label": label, "compact": compact,
            "next_url": next_url or request.get_full_path(), "login_next": request.path,
            "signed_in": bool(user and user.is_authenticated)}
    if data["signed_in"]:
        entry = followable(kind)
        data["csrf_token"] = get_token(request)
        data["following"] = selectors.is_following(user=user, kind=kind, target_id=target_id)
        data["can_follow"] = data["following"] or can_follow((kind, target_id), user)
        # A proposer follows their proposal for good (pbcity.services.follow_remove): no button to refuse.
        data["concerned"] = bool(entry and entry.concerned and entry.concerned(target_id, user))
    return data


@register.inclusion_tag("pbcity/_follow.html", takes_context=True)
def follow_button(context, kind, target_id, label="", compact=False):
    """`label` names the thing for screen readers (in a table of several); `compact` hides the log-in hint."""
    return follow_context(context.get("request"), kind, target_id, label, compact)
