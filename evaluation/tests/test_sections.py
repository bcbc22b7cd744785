"""Participation and training effect, on a small city built through the services."""
import pytest

from evaluation import selectors
from pbcity.tests.factories import CycleFactory
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from training.tests.factories import card_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(district, other_district, cycle):
    cast = Cast(district, other_district)
    plain = cast.proposer
    cast.walk(CycleFactory(year=2025), State.ASSEMBLY_PASSED)      # the plain proposer took part last year
    carded = card_holder("basic", name="持卡提案人")
    cast.proposer = cast.people["proposer"] = carded
    a = cast.walk(cycle, State.ASSEMBLY_PASSED)
    cast.proposer = cast.people["proposer"] = plain
    b = cast.walk(cycle, State.ASSEMBLY_REJECTED)
    c = cast.walk(cycle, State.ASSEMBLY_PASSED)
    return {"plain": plain, "carded": carded, "proposals": (a, b, c)}


def _rows(table):
    return {row[0]["en"]: row[1:] for row in table["rows"]}


def test_participation_counts_people_once_first_timers_and_card_holders(city, cycle):
    by_stage, channel = selectors.participation(cycle=cycle)
    rows = _rows(by_stage)
    assert rows["Proposers"] == [2, 1, 1, 1]            # two people; one new, one back from 2025; one card
    assert rows["Everyone (each person once)"] == [2, 1, 1, 1]
    assert rows["Voters"] == [0, 0, 0, 0]
    assert _rows(channel)["i-Voting"] == [0, 0, None]     # nobody voted: no share, not 0 %


def test_training_effect_compares_proposals_with_and_without_each_card(city, cycle):
    [table] = selectors.training(cycle=cycle)
    rows = _rows(table)
    assert rows["A proposer holds the Basic citizen card"][:2] == [1, 1.0]
    assert rows["No proposer holds the Basic citizen card"][:2] == [2, 0.5]
    assert rows["A proposer holds the Advanced citizen card"][:2] == [0, None]
    assert rows["No proposer holds the Advanced citizen card"][:2] == [3, pytest.approx(2 / 3, abs=1e-4)]
    assert rows["No proposer holds the Basic citizen card"][2:4] == [None, None]   # none reached the panel or vote


def test_implementation_reuses_tracking_figures_and_counts_difficulties(district, other_district, cycle):
    import datetime

    from tracking import services as tracking_services
    from tracking.models import BudgetFigure
    from tracking.tests.factories import TrackingCast

    cast = TrackingCast(district, other_district)
    project = cast.executing(cycle)
    cast.project(cycle)  # a second one, still budgeting
    today = datetime.date.today()
    # The approved amount of a next-year project comes from the council's decision; recorded here directly.
    BudgetFigure.objects.create(project=project, kind="approved", amount=1000, as_of=today, recorded_by=cast["lead"])
    tracking_services.budget_figure_record(project=project, actor=cast["lead"], kind="executed", amount=1200,
                                           as_of=today)
    tracking_services.difficulty_raise(project=project, actor=cast["lead"], kind="difficulty", summary="工期延宕",
                                       details="廠商人力不足")
    summary, flags, difficulties = selectors.implementation(cycle=cycle)
    [row] = summary["rows"]
    assert row[1:4] == [2, 0, 0.0]                       # two projects, none completed
    assert row[4:7] == [1000, 1200, 1.2]                  # an overspend shows above 100 %
    assert row[7] is None                                 # no completed project: no median
    assert difficulties["rows"][0][1:] == [1, 0]          # raised, not cleared
    counts = {r[0]["en"]: r[1] for r in flags["rows"]}
    assert counts["Spending off the approved budget"] == 1   # 20 % over, beyond the cycle's 10 % limit
    assert counts["Milestone update overdue"] == 0
