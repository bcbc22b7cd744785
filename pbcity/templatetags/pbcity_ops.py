from django import template

from pbcity.permissions import can_resolve_task_failures
from pbcity.selectors import task_failures_open

register = template.Library()


@register.inclusion_tag("pbcity/_failed_tasks.html")
def failed_tasks_notice(user):
    """A line on the staff queue while background tasks have failed and nobody resolved them."""
    if not can_resolve_task_failures(None, user):
        return {"count": 0}
    return {"count": task_failures_open().count()}
