"""`{% panels "project" project %}`: what higher apps registered for this page (pbcity.panels)."""
from django import template
from django.utils.safestring import mark_safe

from pbcity import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, page, obj):
    request = context.get("request")
    # Each render returns escaped HTML from its own template (render_to_string), so joining is safe.
    return mark_safe("".join(p.render(obj, request) for p in registry.panels(page)))  # noqa: S308
