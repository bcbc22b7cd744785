"""`{{ value|systext }}`: a text the platform may have written, in the reader's language (pbcity/systext.py).

For columns that are not SystemText fields, such as simple_history's change reasons.
"""
from django import template

from pbcity.systext import systext_render

register = template.Library()


@register.filter
def systext(value):
    return systext_render(str(value)) if value else value
