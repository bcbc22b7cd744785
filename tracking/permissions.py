"""Who may do what to a project. Predicates take (obj, user); staff act only with MFA (pbcity.permissions).

Project pages are public; everything here decides who may write.
"""
from pbcity.permissions import acts_as
from pbcity.roles import Role
from proposals.states import EXECUTION_STATES, State


def _is_lead(project, user) -> bool:
    return acts_as(user, Role.AGENCY, agency_id=project.lead_agency_id)


def _agency_on(project, user) -> bool:
    return any(acts_as(user, Role.AGENCY, agency_id=a) for a in project.agency_ids())


def is_open(project) -> bool:
    return project.proposal.state in EXECUTION_STATES


def can_add_milestone(project, user) -> bool:
    """Plan a milestone: staff of the lead agency or of a co-agency, for their own agency, while open."""
    return is_open(project) and _agency_on(project, user)


def can_edit_milestone(milestone, user) -> bool:
    """Update a milestone: staff of the agency it belongs to, on an open project that agency works on."""
    project = milestone.project
    return (
        is_open(project)
        and milestone.agency_id in project.agency_ids()
        and acts_as(user, Role.AGENCY, agency_id=milestone.agency_id)
    )


def can_see_staff_notes(project, user) -> bool:
    """Staff notes and every agency's staff view: agencies on the project, the committee, civil affairs."""
    return _agency_on(project, user) or acts_as(user, Role.COMMITTEE) or acts_as(user, Role.CIVIL_AFFAIRS)


def can_import_milestones(project, user) -> bool:
    """CSV import of milestones: staff of an agency on the project (rows only for their own agency)."""
    return can_add_milestone(project, user)


def can_record_budget(project, user) -> bool:
    """Planned, committed and executed amounts, and the budget path: the lead agency (project manager)."""
    return is_open(project) and _is_lead(project, user)


def can_record_council_decision(project, user) -> bool:
    """The council's decision on next year's budget: civil affairs."""
    return is_open(project) and acts_as(user, Role.CIVIL_AFFAIRS)


def can_raise_difficulty(project, user) -> bool:
    """Raise a difficulty or a residents' dispute: an agency on the project, while open."""
    return is_open(project) and _agency_on(project, user)


def can_respond_difficulty(difficulty, user) -> bool:
    """Advice and coordination records: the committee's PB group, or the project's lead agency."""
    return acts_as(user, Role.COMMITTEE) or _is_lead(difficulty.project, user)


def can_complete(project, user) -> bool:
    """Submit the final report and complete the project: the lead agency, once execution has started."""
    return project.proposal.state == State.IN_EXECUTION and _is_lead(project, user)


def can_refine_point(project, user) -> bool:
    """Refine where a project is, inside its proposal's village: the lead agency."""
    return _is_lead(project, user)


def can_view_dashboard(user) -> bool:
    """The red-flag dashboard: committee members and civil affairs."""
    return acts_as(user, Role.COMMITTEE) or acts_as(user, Role.CIVIL_AFFAIRS)


# -- sign-off, committee decisions, councillors' questions -------------------------------------------------

def can_propose_change(project, user) -> bool:
    """Propose a milestone, budget, withdrawal or closure change for the proposers' sign-off: the lead agency."""
    return is_open(project) and _is_lead(project, user)


def can_answer_change(request, user, proposer) -> bool:
    """Answer a pending change: the proposer themselves (their own proposer record)."""
    return (request.status == "pending" and proposer.user_id is not None
            and getattr(user, "pk", None) == proposer.user_id)


def can_answer_for_proposer(request, user) -> bool:
    """Answer for a proposer who cannot be reached (after the deadline): the district office of the district."""
    return request.status == "pending" and acts_as(
        user, Role.DISTRICT_OFFICE, district_id=request.project.proposal.district_id)


def can_decide_at_meeting(user) -> bool:
    """Record the committee's decision on an agenda item: committee members (the PB group)."""
    return acts_as(user, Role.COMMITTEE)


def can_ask_question(project, user) -> bool:
    """Ask a public question on a project: a councillor of the project's district."""
    return acts_as(user, Role.COUNCILLOR, district_id=project.proposal.district_id)


def can_answer_question(question, user) -> bool:
    """Answer a councillor's question publicly: the project's lead agency, once."""
    return _is_lead(question.project, user) and not question_answered(question)


def question_answered(question) -> bool:
    """The question has its (one) answer: a fact the predicates read, not a permission."""
    try:
        return question.answer is not None
    except question._meta.model.answer.RelatedObjectDoesNotExist:
        return False
