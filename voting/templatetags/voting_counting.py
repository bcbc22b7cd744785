"""Filters for the rule comparison: rule names in the reader's language, exact money and shares."""
from fractions import Fraction

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy as _

register = template.Library()

RULE_LABELS = {
    "taipei": _("Taipei: threshold and admission cap"),
    "greedy": _("Greedy by votes (skip what does not fit)"),
    "greedy/stop": _("Greedy by votes (stop at the first that does not fit)"),
    "mes": _("Method of Equal Shares"),
    "mes/add1": _("Equal Shares with Add1 completion"),
    "mes/add1+greedy": _("Equal Shares, Add1, then greedy"),
}


@register.filter
def rule_label(name: str) -> str:
    return RULE_LABELS.get(name, name)


@register.filter
def money(value) -> str:
    """A whole amount with thousands separators; a fraction of a unit is rounded for display only."""
    if isinstance(value, Fraction):
        value = round(value)
    return intcomma(value)


@register.filter
def percent(value) -> str:
    return f"{float(value) * 100:.1f}%"
