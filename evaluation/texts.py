"""Words of the evaluation report: section and table titles, column headings, and every formula.

Kept apart from the figures so that a report stores keys and numbers, and the appendix (written out in
both languages when the report is built) always names the formula each figure used.
"""
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGES = ("zh-hant", "en")


def bi(text) -> dict:
    """A lazy text (or plain text) in both report languages: {"zh-hant": …, "en": …}."""
    out = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            out[lang] = str(text)
    return out


SECTIONS = {
    "participation": _("Participation"),
    "representativeness": _("Representativeness"),
    "training": _("Training effect"),
    "deliberation": _("Deliberation"),
    "fairness": _("Outcome fairness"),
    "implementation": _("Implementation"),
    "places": _("Places"),
    "flags": _("Mobilisation flags and their decisions"),
    "contacts": _("Proposers who stopped taking part"),
}

TABLES = {
    "by_stage": _("Unique people by stage"),
    "channel": _("Channel: in person or online"),
    "age": _("Age bands against the population"),
    "district": _("Districts against the population"),
    "by_card": _("Proposals by the proposers' citizen card"),
    "lights": _("Panel lights by indicator"),
    "agreement": _("Agreement between panel members"),
    "opinions": _("Agency opinions given on time"),
    "rounds": _("Fairness per voting round"),
    "money": _("Money per resident by district"),
    "summary": _("Completion and budget execution"),
    "red_flags": _("Red flags now raised, by kind"),
    "difficulties": _("Difficulties raised and cleared"),
    "villages": _("Villages"),
    "flags": _("Flags"),
    "contacts": _("Orphaned proposals and new contacts"),
    "distances": _("Distance from each village to the nearest funded project"),
}

COLUMNS = {
    "label": _("Item"),
    "people": pgettext_lazy("evaluation report", "People"),
    "first_timers": _("First-timers"),
    "returning": _("Returning"),
    "card_holders": _("Card holders"),
    "in_person": pgettext_lazy("evaluation report", "In person"),
    "online": _("Online"),
    "online_share": _("Share online"),
    "population": _("Residents"),
    "population_share": _("Share of residents"),
    "attendees": _("Assembly attendees"),
    "attendee_share": _("Share of attendees"),
    "attendee_gap": _("Attendees − residents"),
    "voters": _("Voters"),
    "voter_share": _("Share of voters"),
    "voter_gap": _("Voters − residents"),
    "proposals": _("Proposals"),
    "assembly_pass": _("Passed the assembly"),
    "panel_pass": _("Passed the panel"),
    "vote_pass": _("Admitted by the vote"),
    "revisions": _("Revisions per proposal"),
    "green": _("Green"),
    "yellow": _("Yellow"),
    "red": _("Red"),
    "none": _("No majority"),
    "agreement": _("Agreement"),
    "groups": _("Proposals scored"),
    "opinions": _("Opinions"),
    "on_time": _("On time"),
    "on_time_share": _("Share on time"),
    "ballots": _("Ballots"),
    "funded": _("Funded projects"),
    "non_empty_handed": _("Voters with a funded project they chose"),
    "avg_satisfaction": _("Average satisfaction (NTD)"),
    "gini": _("Gini coefficient of satisfaction"),
    "category_proportionality": _("Category proportionality"),
    "funded_money": _("Funded (NTD)"),
    "per_resident": _("NTD per resident"),
    "projects": _("Projects"),
    "completed": _("Completed"),
    "completion_rate": _("Completion rate"),
    "approved": _("Approved budget (NTD)"),
    "executed": _("Executed (NTD)"),
    "execution_rate": _("Budget execution rate"),
    "median_days": _("Median days from admission to completion"),
    "count": pgettext_lazy("evaluation report", "Count"),
    "raised": pgettext_lazy("evaluation report", "Raised"),
    "cleared": _("Cleared"),
    # Columns of sections other parts supply (mobilisation's flag_summary, the places data).
    "kind": _("Kind"),
    "scope": _("Scope"),
    "measure": _("Measure"),
    "value": _("Value"),
    "threshold": _("Threshold"),
    "baseline": _("Baseline"),
    "decision": _("Decision"),
    "reason": _("Reason"),
    "village": _("Village"),
    "distance_m": _("Distance to the nearest funded project (m)"),
    "on_ballot": _("On the ballot"),
    "villages": _("Villages"),
    "median_m": _("Median distance (m)"),
    "within_1km": _("Within 1 km"),
    "farthest_m": _("Farthest (m)"),
}

# Row labels that are not names from the database.
LABELS = {
    "proposers": _("Proposers"),
    "attendees": _("Assembly attendees"),
    "panel": _("Review-panel members"),
    "voters": _("Voters"),
    "everyone": _("Everyone (each person once)"),
    "assembly": _("Resident assemblies"),
    "vote": _("i-Voting"),
    "publicness": _("Publicness"),
    "legality": _("Legality"),
    "budget": _("Budget feasibility"),
    "overdue": _("Milestone update overdue"),
    "stalled": _("No activity for too long"),
    "variance": _("Spending off the approved budget"),
    "delayed": _("Milestone past its planned end"),
    "difficulties": _("Difficulties reported to the committee"),
    "unknown": _("Unknown"),
    "with": _("A proposer holds the %(card)s"),
    "without": _("No proposer holds the %(card)s"),
    "orphan_flags": _("Proposers flagged as no longer taking part"),
    "orphan_flags_open": _("… of them still without a new contact"),
    "contact_changes": _("Contacts changed on record"),
    "all_villages": _("Every village of the city"),
}

# The appendix: one formula per figure key. Numbers in the report are computed by evaluation/rules.py.
FORMULAS = {
    "people": _("People: distinct accounts at the stage in this cycle (an assembly walk-in without an account "
                "counts once per sign-in)."),
    "first_timers": _("First-timers: people of this cycle who took part in no stage of an earlier cycle; "
                      "returning = people − first-timers."),
    "card_holders": _("Card holders: people holding a citizen card not revoked, issued by the end of the cycle "
                      "year."),
    "channel": _("Channel: assembly attendees who attended online vs. in person; voters verified online vs. "
                 "in person at a district office. Share online = online ÷ (online + in person)."),
    "population_share": _("Share of residents: residents of the band (or district) aged 16 or over ÷ all such "
                          "residents, from the population table of the cycle year (else the latest earlier "
                          "year)."),
    "attendee_share": _("Share of attendees: signed-in assembly attendees of the band (age on the assembly's day) "
                        "or district (the assembly's) ÷ attendees with a known band or district."),
    "voter_share": _("Share of voters: people who voted (participations, never ballots) of the band (age when "
                     "the round closed) or of the voter's district ÷ voters with a known band or district."),
    "gap": _("Gap = share of attendees (or voters) − share of residents; positive means over-represented."),
    "by_card": _("A proposal is “with a card” of a level when one of its proposers held a card of that level or "
                 "higher on the day it was raised. Passed the assembly = passed ÷ proposals put to an assembly; "
                 "passed the panel = passed ÷ proposals with a panel verdict; admitted = admitted ÷ proposals "
                 "put to the vote. Revisions = revisions after the first text ÷ proposals."),
    "lights": _("Panel lights: the panel's verdict per indicator (the light most members gave), counted over "
                "the proposals with a verdict."),
    "agreement": _("Agreement: for each proposal and indicator, the share of pairs of members who gave the same "
                   "light; averaged over proposals."),
    "on_time": _("On time: an agency opinion recorded no later than the day of its workshop session; share = "
                 "on time ÷ opinions."),
    "non_empty_handed": _("Voters with a funded project they chose = ballots naming at least one admitted "
                          "project ÷ ballots (pabutools percent_non_empty_handed), read from the anonymous "
                          "board."),
    "avg_satisfaction": _("Satisfaction of a ballot = the cost of the admitted projects it names (pabutools "
                          "Cost_Sat); average over ballots."),
    "gini": _("Gini coefficient of the ballots' satisfactions (pabutools gini_coefficient): "
              "(n + 1 − 2 Σᵢ (n − i + 1)·sᵢ ÷ Σ s) ÷ n over satisfactions sorted ascending; 0 = equal."),
    "category_proportionality": _("Category proportionality = exp(−mean over categories of (share of the funded "
                                  "money in the category − mean share of a ballot's money in it)²) (pabutools "
                                  "category_proportionality); 1 = proportional."),
    "per_resident": _("Money per resident = cost of the district's admitted projects ÷ its residents in the "
                      "population table."),
    "completion_rate": _("Completion rate = completed projects ÷ projects of the cycle."),
    "execution_rate": _("Budget execution rate = executed ÷ approved budget, summed over projects with an "
                        "approved budget (may exceed 100 %)."),
    "median_days": _("Days from admission to completion: from the proposal's move to “admitted” to its move to "
                     "“completed”; median over completed projects."),
    "red_flags": _("Red flags: projects now flagged by the tracking rules (overdue update, stalled, budget "
                   "variance, delay); difficulties raised in the period and those cleared (resolved)."),
    "places": _("Places: per village, as the places data computes it (counts, money, distance to the nearest "
                "funded project)."),
    "flags": _("Mobilisation flags: each flag's measure, value, threshold and baseline, and the decision taken "
               "on it with its reason."),
    "distances": _("Distances: from each village's centre (centroid of its boundary) to the nearest funded "
                   "project of the cycle (its refined point, else its proposal's point, else its village's centre), "
                   "on the mean Earth sphere (haversine); within 1 km = share of villages at most 1,000 m away."),
    "contacts": _("Orphaned proposals: proposers the platform flagged to the district office after the "
                  "configured time without an answer or attendance (PB_ORPHAN_AFTER_DAYS); open = no new contact "
                  "yet; contacts changed = changes of a proposal's contact recorded in the cycle."),
}

# What a section says when it has no table.
EMPTY = {
    "no_data": _("No data for this cycle yet."),
    "no_population": _("No population table has been imported for this cycle's year."),
    "no_rounds": _("No counted voting round yet."),
    "no_projects": _("No project in execution yet."),
    "no_places": _("No place data."),
    "no_flags": _("No mobilisation flags recorded."),
    "no_contacts": _("No proposer was flagged as no longer taking part."),
}
