"""Who may do what to a proposal. Used by the lifecycle transitions, views and templates.

Every predicate takes (proposal, user) so django-fsm can call it as a transition permission.
"""
from django.db.models import Q

from pbcity.permissions import acts_as, needs_mfa_setup
from pbcity.roles import Role

from .states import PRE_EXECUTION_STATES, State


def is_proposer(proposal, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(p.user_id == user.pk for p in proposal.proposers.all())


def is_district_office(proposal, user) -> bool:
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=proposal.district_id)


def is_civil_affairs(proposal, user) -> bool:
    return acts_as(user, Role.CIVIL_AFFAIRS)


def is_lead_agency(proposal, user) -> bool:
    return proposal.lead_agency_id is not None and acts_as(user, Role.AGENCY, agency_id=proposal.lead_agency_id)


# -- transition permissions -------------------------------------------------------------

def can_raise(proposal, user) -> bool:
    """Raise a draft: the district office of its district."""
    return is_district_office(proposal, user)


def can_decide_assembly(proposal, user) -> bool:
    """Record the assembly's outcome: the district office that ran it."""
    return is_district_office(proposal, user)


def can_designate_agencies(proposal, user) -> bool:
    """Pre-meeting designation of lead and co-agencies: the district office."""
    return is_district_office(proposal, user)


def can_route_to_workshop(proposal, user) -> bool:
    return is_district_office(proposal, user)


def can_exclude(proposal, user) -> bool:
    return is_district_office(proposal, user) or is_civil_affairs(proposal, user)


def can_act_as_lead(proposal, user) -> bool:
    """Agreement to direct execution, assessment outcome, execution steps: the lead agency only."""
    return is_lead_agency(proposal, user)


def can_decide_review(proposal, user) -> bool:
    """Nobody by hand: only the review panel's close (deliberation.services.panel_close) decides, preauthorised."""
    return False


def can_run_city_stage(proposal, user) -> bool:
    """Exhibition, vote and admission are run city-wide by civil affairs."""
    return is_civil_affairs(proposal, user)


def can_record_vote(proposal, user) -> bool:
    """Nobody by hand: opening a round (open_vote) and its tally (admit, reject_at_vote) in voting.services decide."""
    return False


def can_merge(proposal, user) -> bool:
    return is_district_office(proposal, user)


def can_withdraw(proposal, user) -> bool:
    """Proposers and civil affairs before execution; during it only the committee's approval (closure_decide)."""
    if proposal.state not in PRE_EXECUTION_STATES:
        return False
    return is_civil_affairs(proposal, user) or is_proposer(proposal, user)


def can_complete(proposal, user) -> bool:
    """Nobody by hand: only the final report (tracking.services.project_complete) completes, preauthorised."""
    return False


def can_close_early(proposal, user) -> bool:
    """Nobody by hand: only the committee's approval of a closure every proposer consented to (closure_decide)."""
    return False


# -- other actions ----------------------------------------------------------------------

def can_view_audit(user) -> bool:
    """The audit trail (every historical change) is for committee members."""
    return acts_as(user, Role.COMMITTEE)


def can_oversee(district_id, user) -> bool:
    """The oversight page of a district: its councillors, and committee members and civil affairs city-wide."""
    return (
        acts_as(user, Role.COUNCILLOR, district_id=district_id)
        or acts_as(user, Role.COMMITTEE)
        or acts_as(user, Role.CIVIL_AFFAIRS)
    )


def can_create_proposal(district_id, user) -> bool:
    """Enter a proposal directly: the district office. Assemblies and the consultation desk
    check their own predicates and call the service with `authorised=True`."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district_id)


def is_resident(user) -> bool:
    """A signed-in, active person; a staff account without two-factor is no one until it turns it on."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and not needs_mfa_setup(user))


def can_propose_online(district, user) -> bool:
    """Write a proposal online, kept as a draft until the district office raises it: any resident."""
    return is_resident(user)


def can_edit_draft(proposal, user) -> bool:
    """Edit a draft's text and place: its proposer (a resident), while it is still a draft."""
    return proposal.state == State.DRAFT and is_resident(user) and is_proposer(proposal, user)


def can_correct_place(proposal, user) -> bool:
    """Correct a proposal's village and point: the district office of its district, or civil affairs."""
    return is_district_office(proposal, user) or is_civil_affairs(proposal, user)


def can_view(proposal, user) -> bool:
    """Anyone once it was ever raised (Proposal.is_public); before that only its proposers and the district office."""
    if proposal.is_public:
        return True
    return is_proposer(proposal, user) or is_district_office(proposal, user)


def can_download(attachment, user) -> bool:
    """A file is visible exactly where its proposal is (an unpublished one's only to its proposers and office)."""
    return can_view(attachment.proposal, user)


def can_revise(proposal, user) -> bool:
    """Revise the text: the district office or the lead agency; the proposer during stage 1 of the workshop."""
    return (
        is_district_office(proposal, user)
        or is_lead_agency(proposal, user)
        or (proposal.state == "in_workshop" and is_proposer(proposal, user))
    )


def can_attach(proposal, user) -> bool:
    return is_proposer(proposal, user) or is_district_office(proposal, user) or is_lead_agency(proposal, user)


def can_record_consent(proposal, user, proposer) -> bool:
    """A proposer gives their own consent; the district office records consent given on paper."""
    own = proposer.user_id is not None and getattr(user, "pk", None) == proposer.user_id
    return own or is_district_office(proposal, user)



# -- contacts and orphaned proposals (docs/decisions.md, "Accountability: sign-off, contacts, questions") ----

def can_change_contact(proposal, user, new_contact=None) -> bool:
    """Name the proposal's contact: the district office of its district; a proposer may take it over themselves."""
    if is_district_office(proposal, user):
        return True
    return (new_contact is not None and getattr(user, "pk", None) == new_contact.pk
            and is_any_proposer(proposal, user))


def is_any_proposer(proposal, user) -> bool:
    """A proposer of the proposal or of one merged into it."""
    if not getattr(user, "is_authenticated", False):
        return False
    from .models import ProposalProposer

    return ProposalProposer.objects.filter(
        Q(proposal=proposal) | Q(proposal__merged_into=proposal), user=user).exists()


def can_view_orphans(district_id, user) -> bool:
    """The list of proposers flagged as no longer taking part: the district office of the district."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district_id)
