"""Completion needs a published final report; withdrawal and early closure go through the lifecycle."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from proposals.models import TransitionLog
from tracking import services
from tracking.models import FinalReport

from .factories import close_through_committee, png_upload, state_of


@pytest.mark.django_db
def test_final_report_completes_the_project(cast, cycle):
    project = cast.executing(cycle)
    m = cast.milestone(project)
    with pytest.raises(ValidationError):  # an open milestone
        services.project_complete(project=project, actor=cast["lead"], text="完工", final_cost=1,
                                  photos=[(png_upload(), "完工照片")])
    services.milestone_update(milestone=m, actor=cast["lead"], reason="完工", status="done")
    with pytest.raises(ValidationError):  # no photo
        services.project_complete(project=project, actor=cast["lead"], text="完工", final_cost=1, photos=[])
    with pytest.raises(ValidationError):  # a photo without its description
        services.project_complete(project=project, actor=cast["lead"], text="完工", final_cost=1,
                                  photos=[(png_upload(), " ")])
    with pytest.raises(PermissionDenied):
        services.project_complete(project=project, actor=cast["co_agency"], text="完工", final_cost=1,
                                  photos=[(png_upload(), "完工照片")])
    report = services.project_complete(project=project, actor=cast["lead"], text="遮陽棚兩座完工", final_cost=750000,
                                       photos=[(png_upload(), "完工後的遮陽棚")])
    assert state_of(project) == "completed"
    assert FinalReport.objects.get(project=project) == report and report.photos.count() == 1
    assert TransitionLog.objects.filter(proposal=project.proposal, transition="complete").get().actor == cast["lead"]
    assert project.budget_figures.filter(kind="executed").last().amount == 750000


@pytest.mark.django_db
def test_withdraw_and_close_early_keep_their_reasons(cast, cycle):
    a = cast.project(cycle)
    close_through_committee(cast, a, kind="withdraw", reason="里民會議決議撤案")
    assert state_of(a) == "withdrawn"
    b = cast.executing(cycle)
    for who in ("co_agency", "lead", "civil"):  # no direct path: the closure request and the committee only
        with pytest.raises(PermissionDenied):
            services.project_transition(project=b, actor=cast[who], transition_name="close_early", reason="r")
    close_through_committee(cast, b, kind="close", reason="目標已達成")
    log = TransitionLog.objects.filter(proposal=b.proposal, transition="close_early").get()
    assert log.reason == "目標已達成" and log.actor == cast["committee"]
    with pytest.raises(ValidationError):
        services.project_transition(project=b, actor=cast["civil"], transition_name="complete", reason="r")


@pytest.mark.django_db
def test_milestone_changes_keep_who_and_why_and_done_means_complete(cast, project):
    m = cast.milestone(project, percent=10)
    services.milestone_update(milestone=m, actor=cast["lead"], reason="驗收完成", status="done")
    m.refresh_from_db()
    assert m.percent == 100 and m.actual_end == datetime.date.today()
    latest = m.history.first()
    assert latest.history_user == cast["lead"] and latest.history_change_reason == "驗收完成"
    with pytest.raises(ValidationError):
        services.milestone_update(milestone=m, actor=cast["lead"], reason=" ", percent=5)
    with pytest.raises(ValidationError):
        services.milestone_update(milestone=m, actor=cast["lead"], reason="r", status="on_track", percent=101)


@pytest.mark.django_db
def test_council_cut_sets_the_approved_amount(cast, project):
    today = datetime.date.today()
    with pytest.raises(ValidationError):  # nothing planned yet
        services.council_decision_record(project=project, actor=cast["civil"], outcome="approved", decided_on=today)
    services.budget_figure_record(project=project, actor=cast["lead"], kind="planned", amount=1_000_000, as_of=today)
    with pytest.raises(ValidationError):
        services.council_decision_record(project=project, actor=cast["civil"], outcome="cut", decided_on=today)
    services.council_decision_record(project=project, actor=cast["civil"], outcome="cut", cut_amount=200_000,
                                     decided_on=today)
    assert project.budget_figures.filter(kind="approved").last().amount == 800_000
    with pytest.raises(ValidationError):  # the approved amount is the council's on next year's budget
        services.budget_figure_record(project=project, actor=cast["lead"], kind="approved", amount=1, as_of=today)
