"""Who may do what in the deliberation stage. Predicates take (obj, user); built on pbcity.permissions."""
from pbcity.permissions import acts_as
from pbcity.roles import Role
from proposals import permissions as proposal_perm
from proposals.states import State

# pre-meeting and stage 1

# Designated agencies may contest and log contacts until the review panel decides.
DESIGNATED_STATES = frozenset({State.AGENCIES_ASSIGNED, State.IN_WORKSHOP})


def _designated_agency_ids(proposal) -> set:
    ids = {a.pk for a in proposal.co_agencies.all()}
    if proposal.lead_agency_id:
        ids.add(proposal.lead_agency_id)
    return ids


def acting_agency_ids(proposal, user) -> list:
    """The designated agencies of `proposal` this user acts for (with MFA)."""
    return sorted(a for a in _designated_agency_ids(proposal) if acts_as(user, Role.AGENCY, agency_id=a))


def can_keep_principles(cycle, user) -> bool:
    """Keep the cycle's designation principles and exclusion categories: civil affairs."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


def can_plan_premeeting(district, user) -> bool:
    """Convene a district's pre-meeting or stage-1 session: that district's office."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district.pk)


def can_run_premeeting(premeeting, user) -> bool:
    """Record attendance, minutes and designations of a pre-meeting: its district's office."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=premeeting.district_id)


def can_view_contacts(proposal, user) -> bool:
    """Read the agency contact log (it names proposers): the office, designated agencies, committee."""
    return (
        acts_as(user, Role.DISTRICT_OFFICE, district_id=proposal.district_id)
        or bool(acting_agency_ids(proposal, user))
        or acts_as(user, Role.COMMITTEE)
    )


def can_contest(proposal, user) -> bool:
    """Contest a designation: staff of a designated agency, before the review panel decides."""
    return proposal.state in DESIGNATED_STATES and bool(acting_agency_ids(proposal, user))


def can_decide_contest(contest, user) -> bool:
    """Decide a contest: the office of the proposal's district."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=contest.proposal.district_id)


def can_log_contact(proposal, user) -> bool:
    """Log a contact with the proposers: staff of a designated agency, before the review panel decides."""
    return proposal.state in DESIGNATED_STATES and bool(acting_agency_ids(proposal, user))


def can_agree_direct_execution(proposal, user) -> bool:
    """State the budget and agree to direct execution: the lead agency, once agencies are designated."""
    return proposal.state == State.AGENCIES_ASSIGNED and proposal_perm.can_act_as_lead(proposal, user)


def can_report_assessment(proposal, user) -> bool:
    """Submit the assessment report: the lead agency, while the proposal is in assessment."""
    return proposal.state == State.IN_ASSESSMENT and proposal_perm.can_act_as_lead(proposal, user)


def can_exclude(proposal, user) -> bool:
    """Exclude with a category: whoever the lifecycle lets exclude (district office, civil affairs)."""
    return proposal.state in (State.ASSEMBLY_PASSED, State.AGENCIES_ASSIGNED) and proposal_perm.can_exclude(
        proposal, user
    )


def can_view_overdue_assessments(user) -> bool:
    """See overdue assessments on the work queue: committee members (all) and agency staff (their own)."""
    return acts_as(user, Role.COMMITTEE) or acts_as(user, Role.AGENCY)


def can_run_session(session, user) -> bool:
    """Run a stage-1 session (invite experts, enter their suggestions): its district's office."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=session.district_id)


def can_give_opinion(proposal, user) -> bool:
    """Record a stage-1 opinion: staff of a designated agency while the proposal is in the workshop."""
    return proposal.state == State.IN_WORKSHOP and bool(acting_agency_ids(proposal, user))

