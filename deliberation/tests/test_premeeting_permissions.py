"""Role × action matrix for the pre-meeting, side-track and stage-1 predicates."""
import pytest
from django.contrib.auth.models import AnonymousUser

from deliberation import permissions as perm
from deliberation import services
from proposals.states import State

from .premeeting_fixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db

ACTIONS = ["principles", "plan", "run_pm", "contacts_view", "contest", "decide", "contact", "direct",
           "assessment", "exclude", "run_session", "opinion", "overdue"]
T, F = True, False
EXPECTED = {
    #                  princ plan run  cview cont decid cont  direct assess excl session opin overdue
    "anonymous":       (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "resident":        (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "proposer":        (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "district":        (F,   T,   T,   T,    F,   T,    F,    F,     F,     T,   T,      F,   F),
    "district_other":  (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "district_no_mfa": (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "civil":           (T,   F,   F,   F,    F,   F,    F,    F,     F,     T,   F,      F,   F),
    "civil_no_mfa":    (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "committee":       (F,   F,   F,   T,    F,   F,    F,    F,     F,     F,   F,      F,   T),
    "lead":            (F,   F,   F,   T,    T,   F,    T,    T,     T,     F,   F,      T,   T),
    "co_agency":       (F,   F,   F,   T,    T,   F,    T,    F,     F,     F,   F,      T,   T),
    "other_agency":    (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   T),
    "councillor":      (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
    "trainer":         (F,   F,   F,   F,    F,   F,    F,    F,     F,     F,   F,      F,   F),
}


def test_matrix(cast, cycle, premeeting, session):
    assigned = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    assessing = cast.walk(cycle, State.IN_ASSESSMENT)
    workshop = cast.walk(cycle, State.IN_WORKSHOP)
    contest = services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency, reason="r")
    got = {}
    for who in EXPECTED:
        user = cast[who] or AnonymousUser()
        got[who] = (
            perm.can_keep_principles(cycle, user),
            perm.can_plan_premeeting(cast.district, user),
            perm.can_run_premeeting(premeeting, user),
            perm.can_view_contacts(assigned, user),
            perm.can_contest(assigned, user),
            perm.can_decide_contest(contest, user),
            perm.can_log_contact(assigned, user),
            perm.can_agree_direct_execution(assigned, user),
            perm.can_report_assessment(assessing, user),
            perm.can_exclude(assigned, user),
            perm.can_run_session(session, user),
            perm.can_give_opinion(workshop, user),
            perm.can_view_overdue_assessments(user),
        )
    assert got == EXPECTED


def test_stage_bounds(cast, cycle):
    """Contests and contacts stop once the panel has decided; opinions only in the workshop."""
    reviewed = cast.walk(cycle, State.REVIEW_PASSED)
    assigned = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    lead = cast["lead"]
    assert not perm.can_contest(reviewed, lead) and not perm.can_log_contact(reviewed, lead)
    assert not perm.can_give_opinion(assigned, lead)
    assert not perm.can_agree_direct_execution(reviewed, lead)
