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


# review panel (stage 2): draw, attendance, scoring — docs/decisions.md, "Review panel"

def _seat_of(panel, user):
    if not getattr(user, "is_authenticated", False):
        return None
    return next((s for s in panel.seats.all() if s.user_id == user.pk), None)


def is_panel_host(panel, user) -> bool:
    """A seated host or co-host of this panel, acting as a committee member (with MFA)."""
    seat = _seat_of(panel, user)
    return (
        seat is not None and seat.status == "seated" and seat.seat_type in ("host", "co_host")
        and acts_as(user, Role.COMMITTEE)
    )


def can_plan_panel(district, user) -> bool:
    """Plan a district's review panel (date, place or link): that district's office."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district.pk)


def can_appoint_panel(panel, user) -> bool:
    """Appoint the host, co-host and vice-host: civil affairs or the committee, before the commitment."""
    return panel.state == "planned" and (acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE))


def can_run_draw(panel, user) -> bool:
    """Publish the commitment and enter the public random value: the office of the panel's district."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=panel.district_id)


def can_run_sitting(panel, user) -> bool:
    """Record absences, open and close scoring: the district's office or the panel's hosts."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=panel.district_id) or is_panel_host(panel, user)


def can_score(panel, user) -> bool:
    """Score while scoring is open: a seated, drawn member (hosts and the vice-host do not score)."""
    seat = _seat_of(panel, user)
    return panel.state == "scoring" and seat is not None and seat.status == "seated" and seat.is_scoring


def can_view_all_scores(panel, user) -> bool:
    """Everyone's lights: nobody until scoring closes, then the public."""
    return panel.state == "closed"


def can_join_online(panel, user) -> bool:
    """The online meeting link: seated members and those who run the sitting."""
    seat = _seat_of(panel, user)
    return (seat is not None and seat.status == "seated") or can_run_sitting(panel, user)


def can_view_allowances(panel, user) -> bool:
    """The allowance list for payment (names and amounts): the district's office and civil affairs."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=panel.district_id) or acts_as(user, Role.CIVIL_AFFAIRS)
