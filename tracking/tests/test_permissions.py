"""Role × action on a project: agency A vs B, co-agency own milestones only, read-only roles, no MFA."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tracking import services
from tracking.models import Difficulty

from .factories import close_through_committee

EVERYONE = ["anonymous", "resident", "proposer", "district", "district_other", "civil", "civil_no_mfa", "committee",
            "lead", "lead_no_mfa", "co_agency", "other_agency", "councillor", "trainer"]
TODAY = datetime.date.today()


def _allowed(fn, actor) -> bool:
    """Whether `fn(actor)` is permitted; rolled back either way."""
    sid = transaction.savepoint()
    try:
        fn(actor)
        ok = True
    except PermissionDenied:
        ok = False
    transaction.savepoint_rollback(sid)
    return ok


def _actions(cast, project):
    lead_m = cast.milestone(project, "lead", title="主辦里程碑")
    co_m = cast.milestone(project, "co_agency", title="協辦里程碑")
    difficulty = services.difficulty_raise(project=project, actor=cast["lead"], kind=Difficulty.Kind.DIFFICULTY,
                                           summary="用地協調", details="需要協調")
    return {
        "add_milestone": (lambda a: services.milestone_create(project=project, actor=a, reason="r", title=f"新-{id(a)}",
                                                              planned_end=TODAY), {"lead", "co_agency"}),
        "edit_lead_milestone": (lambda a: services.milestone_update(milestone=lead_m, actor=a, reason="r", percent=10),
                                {"lead"}),
        "edit_co_milestone": (lambda a: services.milestone_update(milestone=co_m, actor=a, reason="r", percent=10),
                              {"co_agency"}),
        "record_budget": (lambda a: services.budget_figure_record(project=project, actor=a, kind="planned",
                                                                  amount=100, as_of=TODAY), {"lead"}),
        "budget_path": (lambda a: services.budget_path_set(project=project, actor=a, path="current_year", reason="r"),
                        {"lead"}),
        "raise_difficulty": (lambda a: services.difficulty_raise(project=project, actor=a, kind="dispute",
                                                                 summary="s", details="d"), {"lead", "co_agency"}),
        "respond_difficulty": (lambda a: services.difficulty_record(difficulty=difficulty, actor=a, kind="advice",
                                                                    text="建議"), {"committee", "lead"}),
        "import_csv": (lambda a: services.milestones_import(
            project=project, actor=a, data="title,planned_end\n匯入,2026-12-01\n".encode(), reason="r"),
            {"lead", "co_agency"}),
    }


@pytest.mark.django_db
def test_project_action_matrix(cast, cycle, project):
    services.budget_figure_record(project=project, actor=cast["lead"], kind="planned", amount=1000, as_of=TODAY)
    for name, (fn, allowed) in _actions(cast, project).items():
        for who in EVERYONE:
            assert _allowed(fn, cast[who]) == (who in allowed), (name, who)


@pytest.mark.django_db
def test_council_decision_only_civil_affairs(cast, cycle, project):
    services.budget_figure_record(project=project, actor=cast["lead"], kind="planned", amount=1000, as_of=TODAY)
    for who in EVERYONE:
        ok = _allowed(lambda a: services.council_decision_record(project=project, actor=a, outcome="approved",
                                                                 decided_on=TODAY), cast[who])
        assert ok == (who == "civil"), who


@pytest.mark.django_db
def test_agency_b_cannot_touch_agency_a_project_even_naming_its_own_agency(cast, cycle, project):
    other = cast["other_agency"]
    agency_b = other.roles.get().agency
    with pytest.raises(PermissionDenied):
        services.milestone_create(project=project, actor=other, agency=agency_b, reason="r", title="x",
                                  planned_end=TODAY)
    # A co-agency cannot plan a milestone in the lead agency's name either.
    with pytest.raises(PermissionDenied):
        services.milestone_create(project=project, actor=cast["co_agency"], agency=cast.lead_agency, reason="r",
                                  title="x", planned_end=TODAY)


@pytest.mark.django_db
def test_only_the_lead_completes_and_nobody_by_the_manual_transition(cast, cycle):
    from proposals import services as proposal_services

    project = cast.executing(cycle)
    for who in EVERYONE:
        assert not _allowed(lambda a: proposal_services.proposal_transition(
            proposal=project.proposal, actor=a, transition_name="complete", reason="r"), cast[who]), who


@pytest.mark.django_db
def test_closed_projects_take_no_more_changes(cast, cycle, project):
    m = cast.milestone(project)
    close_through_committee(cast, project, reason="用地無法取得")
    with pytest.raises(PermissionDenied):
        services.milestone_update(milestone=m, actor=cast["lead"], reason="r", percent=50)
    with pytest.raises(PermissionDenied):
        services.budget_figure_record(project=project, actor=cast["lead"], kind="executed", amount=1, as_of=TODAY)
