"""Filters for the rule comparison: rule names in the reader's language, exact money and shares."""
from fractions import Fraction

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from voting.models import Round

register = template.Library()


@register.filter
def rule_label(name: str) -> str:
    """The rule's label where a round names it (Round.CountingRule); an unknown name as it is."""
    return Round.CountingRule(name).label if name in Round.CountingRule.values else name


@register.filter
def money(value) -> str:
    """A whole amount with thousands separators; a fraction of a unit is rounded for display only."""
    if isinstance(value, Fraction):
        value = round(value)
    return intcomma(value)


@register.filter
def percent(value) -> str:
    return f"{float(value) * 100:.1f}%"
