"""The catalogue of transitions a person can trigger, with the words the interface uses for them."""
from django.utils.translation import gettext_lazy as _

# Transitions reached through `proposal_transition`. Designation and merge need extra input
# and have services of their own (`proposal_designate_agencies`, `proposal_merge`).
SIMPLE_TRANSITIONS = {
    "raise_proposal": _("Raise the proposal"),
    "pass_assembly": _("Record: passed the assembly"),
    "reject_at_assembly": _("Record: not passed at the assembly"),
    "agree_direct_execution": _("Agree to direct execution"),
    "take_into_assessment": _("Take into city-wide assessment"),
    "exclude": _("Exclude from PB"),
    "send_to_workshop": _("Send to the review workshop"),
    "execute_after_assessment": _("Execute after assessment"),
    "close_assessment": _("Close after assessment"),
    "pass_review": _("Record: passed the citizen review"),
    "fail_review": _("Record: failed the citizen review"),
    "open_exhibition": _("Put on exhibition"),
    "open_vote": _("Open i-Voting"),
    "admit": _("Record: admitted by the vote"),
    "reject_at_vote": _("Record: not admitted by the vote"),
    "notify_agencies": _("Notify agencies to plan the budget"),
    "start_execution": _("Start execution"),
    "complete": _("Mark completed"),
    "withdraw": _("Withdraw"),
    "close_early": _("Close early"),
}
INPUT_TRANSITIONS = {
    "designate_agencies": _("Designate lead and co-agencies"),
    "merge": _("Merge into another proposal"),
}
ALL_TRANSITIONS = {**SIMPLE_TRANSITIONS, **INPUT_TRANSITIONS}
