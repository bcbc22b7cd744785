"""System-written sentences of assemblies, stored as codes (pbcity/systext.py)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pbcity.systext import systext_register


def assembly_result_text(p) -> str:
    """The tally line of one proposal at an assembly, from its stored facts."""
    facts = _("%(assembly)s: %(votes)d votes from %(present)d attendees present, rank %(rank)d (top %(k)d).") % {
        "assembly": p["assembly"], "votes": int(p["votes"]), "present": int(p["present"]),
        "rank": int(p["rank"]), "k": int(p["k"])}
    verdict = {
        "lot_won": _("Tied at rank K; drawn by lot."),
        "passed": _("More than half of those present and within the top K."),
        "no_majority": _("Not more than half of those present."),
        "lot_lost": _("Tied at rank K; not drawn by lot."),
        "not_top_k": _("Not within the top K."),
    }[p["verdict"]]
    return f"{facts} {verdict}"


def register() -> None:
    systext_register("assemblies.raised_at", gettext_noop("Raised at %(assembly)s, table %(n)s"))
    systext_register("assemblies.result", render=assembly_result_text)
