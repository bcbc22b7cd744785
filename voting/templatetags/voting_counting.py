"""Filters for the rule comparison: rule names in the reader's language, exact money and shares."""
from fractions import Fraction

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy as _

from voting.models import Round

register = template.Library()

# The city's own rule, as an imported file declares it (no round names it).
OFFICIAL_LABEL = _("The city's own rule")

# What we count for a rule a pabulib file declares (voting/counting/official.py).
METHOD_LABELS = {
    "greedy": _("Greedy by score: the best-scored projects first, skipping what does not fit"),
    "greedy/stop": _("Greedy by score, stopping at the first project that does not fit"),
    "poznan": _("Greedy by score, stopping at the first project that does not fit; that project is still "
                "funded if the money left covers at least 80% of its cost (Poznań)"),
    "mes": _("Method of Equal Shares"),
    "mes+compare": _("Method of Equal Shares, then compared with greedy: the outcome more voters prefer"),
    "mes/add1-budget": _("Method of Equal Shares with Add1 until the next step would exceed the budget"),
    "mes/add1-budget+compare": _("Method of Equal Shares with Add1 until the next step would exceed the budget, "
                                 "then compared with greedy: the outcome more voters prefer"),
}

# Why a declared rule cannot be (fully) reproduced from its file (voting/counting/official.REASONS).
REASON_TEXTS = {
    "unknown": _("The file does not say which rule the city used (rule: unknown), so it cannot be reproduced."),
    "unsupported": _("The file declares a rule that pabulib does not document; it is not counted."),
    "custom": _("The city used a rule of its own, described only in the file's comment; it is not counted."),
    "exclusive": _("The city excluded projects that conflict with a better-voted one; the file names them only "
                   "in its comment, so plain greedy is counted and may fund one of them."),
    "reserve": _("Some projects were funded afterwards from reserve funds whose amount is not in the file; "
                 "they are not counted."),
    "outside": _("Some projects were funded outside the budget (for example as turnout awards); they are not "
                 "counted and not compared."),
    "scoring": _("The scores in the file's project list are not what the scoring vector gives; the vector is "
                 "used."),
    "meta": _("The file's minimum score or scoring function (scoring_fn) cannot be read; the rule is not "
              "counted."),
}


@register.filter
def rule_label(name: str) -> str:
    """The rule's label where a round names it (Round.CountingRule); an unknown name as it is."""
    if name == "official":
        return OFFICIAL_LABEL
    return Round.CountingRule(name).label if name in Round.CountingRule.values else name


@register.filter
def method_label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


@register.filter
def reason_text(code: str) -> str:
    return REASON_TEXTS.get(code, code)


@register.filter
def money(value) -> str:
    """A whole amount with thousands separators; a fraction of a unit is rounded for display only."""
    if isinstance(value, Fraction):
        value = round(value)
    return intcomma(value)


@register.filter
def percent(value) -> str:
    return f"{float(value) * 100:.1f}%"
