"""System-written sentences of deliberation, stored as codes (pbcity/systext.py)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pbcity.systext import systext_register

from .rules import INDICATORS


def panel_summary_text(p) -> str:
    """The review panel's verdict on one proposal, from its lights (stored by scoring.panel_close)."""
    names = {"publicness": _("publicness"), "legality": _("legality"), "budget": _("budget feasibility")}
    words = {"green": _("green"), "yellow": _("yellow"), "red": _("red"), None: _("no light")}
    parts = "; ".join(f"{names[i]} {words[p['lights'].get(i)]}" for i in INDICATORS)
    outcome = _("goes on to the vote") if p["passed"] else _("does not go on")
    return _("Citizen review panel (%(n)s scores): %(parts)s — %(outcome)s.") % {
        "n": p["n"], "parts": parts, "outcome": outcome}


def register() -> None:
    systext_register("deliberation.panel_summary", render=panel_summary_text)
    systext_register("deliberation.assessment_report", gettext_noop("Assessment report: %(findings)s"))
    systext_register("deliberation.premeeting", gettext_noop("Pre-meeting of %(date)s: %(reason)s"))
    systext_register("deliberation.excluded", gettext_noop("Excluded as %(category)s: %(reason)s"))
