"""Transition conditions: facts about the proposal that must hold, each with a reason people can read."""
from django.utils.translation import gettext_lazy as _

from .states import ASSESSMENT_CATEGORIES, MERGEABLE_STATES, ConsentKind


def _explained(message):
    def wrap(func):
        func.message = message
        return func

    return wrap


def _all_consented(proposal, kind) -> bool:
    proposers = list(proposal.proposers.all())
    return bool(proposers) and all(p.has_consented(kind) for p in proposers)


@_explained(_("A lead agency must be designated first."))
def has_lead_agency(proposal) -> bool:
    return proposal.lead_agency_id is not None


@_explained(_("Every proposer must consent to direct execution."))
def proposers_consent_direct_execution(proposal) -> bool:
    return _all_consented(proposal, ConsentKind.DIRECT_EXECUTION)


@_explained(_("Direct execution needs a single responsible agency (no co-agencies)."))
def single_agency(proposal) -> bool:
    return proposal.lead_agency_id is not None and not proposal.co_agencies.exists()


@_explained(_("The lead agency must state that this year's budget covers it and that it can be finished this year "
              "(deliberation: side tracks)."))
def lead_agency_statement_direct_execution(proposal) -> bool:
    # The statement is a deliberation record reached by its related name, so `proposals` never
    # imports `deliberation` (docs/decisions.md, "Deliberation: pre-meeting, side tracks, stage 1").
    return proposal.direct_execution_statements.filter(
        agency_id=proposal.lead_agency_id, budget_covers=True, finishable_this_year=True
    ).exists()


@_explained(_("An exclusion needs one of the cycle's exclusion categories (deliberation: side tracks)."))
def exclusion_category_chosen(proposal) -> bool:
    # Reverse one-to-one from deliberation.ExclusionRecord, written in the same transaction; queried,
    # not read from the instance, whose cache may still hold "no record".
    return type(proposal).objects.filter(pk=proposal.pk, exclusion_record__isnull=False).exists()


@_explained(_("Only traffic management, idle-space planning and beautification proposals go to assessment."))
def assessment_category(proposal) -> bool:
    return proposal.category in ASSESSMENT_CATEGORIES


@_explained(_("Every proposer must consent to assessment handling."))
def proposers_consent_assessment(proposal) -> bool:
    return _all_consented(proposal, ConsentKind.ASSESSMENT)


@_explained(_("Every proposer must consent to the merge."))
def proposers_consent_merge(proposal) -> bool:
    return _all_consented(proposal, ConsentKind.MERGE)


@_explained(_("The proposal it merges into must be another open proposal of the same cycle and district."))
def valid_merge_target(proposal) -> bool:
    target = proposal.merged_into
    return (
        target is not None
        and target.pk != proposal.pk
        and target.cycle_id == proposal.cycle_id
        and target.district_id == proposal.district_id
        and target.state in MERGEABLE_STATES
    )


@_explained(_("Choose the proposal's village (里) before it is raised: correct its place first."))
def village_given_when_needed(proposal) -> bool:
    """Raising needs the village where the place rules ask for one (places.rules.village_needed).

    Not a condition of the raise_proposal transition itself: a proposal entered and raised in one step
    (proposal_create) has its place checked with the rest of its form, and internal callers (other apps'
    demo data) place theirs afterwards. proposal_transition checks it when a stored draft is raised.
    """
    from places import rules
    from places.models import Village

    if proposal.village_id is not None:
        return True
    loaded = Village.objects.filter(district_id=proposal.district_id).exists()
    return not rules.village_needed(track=proposal.track, villages_loaded=loaded)


# Conditions checked when a person starts a transition on a stored proposal (proposal_transition and the
# page's list of actions), beside those of the transition itself.
BY_HAND = {"raise_proposal": (village_given_when_needed,)}
