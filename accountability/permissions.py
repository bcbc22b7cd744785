"""Who may do what with meetings and hearings. Predicates take (obj, user); staff act only with MFA.

Meeting minutes, decisions and hearings are public; everything here decides who may write or read staff pages.
"""
from pbcity.permissions import acts_as
from pbcity.roles import Role
from tracking.permissions import is_open


def can_plan_meeting(cycle, user) -> bool:
    """Plan a PB group meeting: committee members."""
    return acts_as(user, Role.COMMITTEE)


def can_view_meeting_desk(meeting, user) -> bool:
    """The meetings' staff pages (agenda with candidates, forms): committee members and civil affairs."""
    return acts_as(user, Role.COMMITTEE) or acts_as(user, Role.CIVIL_AFFAIRS)


def can_run_meeting(meeting, user) -> bool:
    """Add agenda items, record attendance, decisions and minutes: committee members, until the minutes close it."""
    return acts_as(user, Role.COMMITTEE) and not is_closed(meeting)


def is_closed(meeting) -> bool:
    """The minutes are recorded: the meeting is held and closed (not a permission; a state the predicates read)."""
    from .models import Minutes

    try:
        return meeting.minutes is not None
    except Minutes.DoesNotExist:
        return False


def can_report_followup(decision, user) -> bool:
    """Report on a decision's follow-up: staff of an agency the decision names (else the project's lead agency)."""
    return any(acts_as(user, Role.AGENCY, agency_id=a) for a in followup_agency_ids(decision))


def followup_agency_ids(decision) -> list[int]:
    if decision.agency_ids:
        return list(decision.agency_ids)
    if decision.item.agency_ids:
        return list(decision.item.agency_ids)
    project = decision.item.project
    return [project.lead_agency_id] if project is not None else []


def _organiser_of(proposal, project, user) -> bool:
    if acts_as(user, Role.DISTRICT_OFFICE, district_id=proposal.district_id):
        return True
    lead = project.lead_agency_id if project is not None else proposal.lead_agency_id
    return lead is not None and acts_as(user, Role.AGENCY, agency_id=lead)


def can_plan_hearing(proposal, user, project=None) -> bool:
    """Plan a hearing, explanatory meeting, site visit or café: the district office or the lead agency."""
    return _organiser_of(proposal, project, user)


def can_record_hearing(hearing, user) -> bool:
    """Record a hearing's attendance, minutes and objections: its organiser (the office or the agency)."""
    if hearing.organiser_district_id is not None:
        return acts_as(user, Role.DISTRICT_OFFICE, district_id=hearing.organiser_district_id)
    return acts_as(user, Role.AGENCY, agency_id=hearing.organiser_agency_id)


def can_record_opposition(project, user) -> bool:
    """Record local opposition, its coordination meetings and outcome: the district office or the lead agency."""
    return is_open(project) and _organiser_of(project.proposal, project, user)
