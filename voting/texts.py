"""System-written sentences of i-Voting, stored as codes (pbcity/systext.py)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pbcity.systext import systext_register


def tally_line_text(p) -> str:
    """One proposal's line of a count, from its stored facts (tally.tally_line builds the same words)."""
    over = _("over") if p["over"] else _("not over")
    if p.get("budget_rule"):
        return _("%(votes)s votes, %(over)s the minimum of %(threshold)s; %(funded)s by the rule %(rule)s within "
                 "the budget of %(budget)s") % {
            "votes": p["votes"], "over": over, "threshold": p["threshold"], "rule": p["rule"],
            "budget": p["budget"], "funded": _("funded") if p["admitted"] else _("not funded")}
    text = _("%(votes)s votes, %(over)s the threshold of %(threshold)s; rank %(rank)s, admission cap %(cap)s") % {
        "votes": p["votes"], "over": over, "threshold": p["threshold"], "rank": p["rank"], "cap": p["cap"]}
    if p.get("in_lot"):
        text = _("%(line)s; %(lot)s") % {"line": text,
                                          "lot": _("drawn by lot") if p["admitted"] else _("not drawn by lot")}
    return text


def register() -> None:
    systext_register("voting.tally_line", render=tally_line_text)
    systext_register("voting.opens", gettext_noop("i-Voting opens in %(district)s (%(start)s to %(end)s)"))
    systext_register("voting.closed", gettext_noop("Voting closed; %(n)s ballots sealed on the board"))
    systext_register("voting.closed_early", gettext_noop("Closed early (it was to close at %(old)s): %(reason)s"))
    systext_register("voting.extended", gettext_noop("Closing time moved from %(old)s to %(new)s: %(reason)s"))
    systext_register("voting.prepared", gettext_noop("Round prepared"))
    systext_register("voting.counted", gettext_noop("Counted by rule %(rule)s: %(n)s admitted"))
    systext_register("voting.register_match", gettext_noop("Matched in the household register"))
    # The voter-registration sense of "Registered" (templates use the same context).
    systext_register("voting.registered", "Registered", context="voter")
    systext_register("voting.new_document", gettext_noop("New document after a rejection"))
    # How a round's threshold was set (Round.threshold_basis).
    systext_register("voting.threshold_quota", gettext_noop("district quota: %(n)s"))
    systext_register("voting.threshold_permille", gettext_noop("%(value)s‰ of %(population)s eligible"))
    systext_register("voting.threshold_fixed", gettext_noop("cycle: fixed %(value)s"))
