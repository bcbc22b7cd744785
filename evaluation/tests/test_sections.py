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
