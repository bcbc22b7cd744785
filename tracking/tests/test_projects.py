"""Projects are opened by the lifecycle, with the proposal's agencies; never by hand."""
import pytest

from proposals.models import Proposal
from proposals.states import State
from tracking import services
from tracking.models import Project


@pytest.mark.django_db
def test_notify_agencies_opens_the_project_with_lead_and_co_agencies(cast, cycle, django_capture_on_commit_callbacks):
    proposal = cast.walk(cycle, State.ADMITTED)
    assert not Project.objects.filter(proposal=proposal).exists()  # admission alone does not
    with django_capture_on_commit_callbacks(execute=True):
        cast.step(proposal, "notify_agencies")
    project = Project.objects.get(proposal=proposal)
    assert project.lead_agency == cast.lead_agency
    assert set(project.co_agencies.all()) == {cast.co_agency}
    assert project.budget_path == Project.BudgetPath.NEXT_YEAR
    assert project.agencies_notified_by == cast["civil"] and project.agencies_notified_at is not None
    assert project.created_by_transition.transition == "notify_agencies"
    # The agencies' staff were told, each once.
    lead_note = cast["lead"].notifications.get(key=f"project-notified:{project.pk}")
    assert project.title in lead_note.subject
    assert cast["co_agency"].notifications.filter(key=f"project-notified:{project.pk}").count() == 1
    assert not cast["other_agency"].notifications.exists()


@pytest.mark.django_db
def test_direct_execution_and_assessment_open_projects_on_this_years_budget(cast, cycle):
    direct = cast.walk(cycle, State.DIRECT_EXECUTION)
    assert Project.objects.get(proposal=direct).budget_path == Project.BudgetPath.CURRENT_YEAR
    assessed = cast.walk(cycle, State.IN_ASSESSMENT)
    cast.step(assessed, "execute_after_assessment")
    assert Project.objects.get(proposal=assessed).budget_path == Project.BudgetPath.CURRENT_YEAR


@pytest.mark.django_db
def test_start_execution_keeps_the_one_project(cast, cycle):
    project = cast.executing(cycle)
    assert Project.objects.filter(proposal=project.proposal).count() == 1
    assert project.proposal.state == State.IN_EXECUTION


@pytest.mark.django_db
def test_a_failing_receiver_rolls_the_transition_back(cast, cycle, monkeypatch):
    proposal = cast.walk(cycle, State.ADMITTED)

    def boom(**kwargs):
        raise RuntimeError("tracking failed")

    monkeypatch.setattr(services, "project_open_for", boom)
    with pytest.raises(RuntimeError):
        cast.step(proposal, "notify_agencies")
    assert Proposal.objects.get(pk=proposal.pk).state == State.ADMITTED


@pytest.mark.django_db
def test_backfill_opens_projects_of_proposals_from_before_tracking(cast, cycle):
    project = cast.project(cycle)
    proposal = project.proposal
    Project.objects.filter(pk=project.pk).delete()
    assert services.projects_backfill() == 1
    again = Project.objects.get(proposal=proposal)
    assert again.created_by_transition.transition == "notify_agencies"
    assert services.projects_backfill() == 0
