"""Which of this app's actions the person reading a project page may start."""
from django import template

from .. import permissions as perm

register = template.Library()


@register.simple_tag(takes_context=True)
def panel_actions(context, project):
    user = getattr(context.get("request"), "user", None)
    return {"hearing": perm.can_plan_hearing(project.proposal, user, project),
            "opposition": perm.can_record_opposition(project, user)}
