"""The report's formulas: edge cases, and the fairness figures against pabutools on real elections."""
import datetime
import math
from fractions import Fraction
from pathlib import Path

import pytest

from evaluation import rules
from voting.counting import pabulib

FIXTURES = Path(__file__).resolve().parents[2] / "voting" / "fixtures" / "pabulib"


@pytest.mark.parametrize(("birth", "day", "band"), [
    (datetime.date(2010, 6, 2), datetime.date(2026, 6, 1), None),       # 15 the day before the birthday
    (datetime.date(2010, 6, 1), datetime.date(2026, 6, 1), "16-24"),    # 16 on the birthday
    (datetime.date(2001, 6, 2), datetime.date(2026, 6, 1), "16-24"),    # 24
    (datetime.date(2001, 6, 1), datetime.date(2026, 6, 1), "25-34"),
    (datetime.date(1961, 1, 1), datetime.date(2026, 6, 1), "65+"),
    (datetime.date(2008, 2, 29), datetime.date(2024, 2, 28), None),     # leap-day birthday not reached yet
    (datetime.date(2008, 2, 29), datetime.date(2024, 3, 1), "16-24"),
    (None, datetime.date(2026, 6, 1), None),
])
def test_age_band(birth, day, band):
    assert rules.age_band(birth, day) == band


def test_share_edges():
    assert rules.share(0, 0) is None
    assert rules.share(1, 4) == 0.25
    with pytest.raises(rules.RuleError, match="cannot exceed"):
        rules.share(5, 4)
    with pytest.raises(rules.RuleError, match="negative"):
        rules.share(-1, 4)
    assert rules.shares({"a": 0, "b": 0}) == {"a": None, "b": None}
    assert rules.shares({"a": 1, "b": 3}) == {"a": 0.25, "b": 0.75}
    assert rules.gap(0.3, 0.2) == pytest.approx(0.1)
    assert rules.gap(None, 0.2) is None


def test_gini_edges():
    assert rules.gini([]) == 0.0
    assert rules.gini([0, 0, 0]) == 0.0
    assert rules.gini([5, 5, 5]) == 0.0
    assert rules.gini([0, 0, 0, 10]) == pytest.approx(0.75)   # one of four holds everything: (n-1)/n
    assert rules.gini([7]) == 0.0
    with pytest.raises(rules.RuleError, match="non-negative"):
        rules.gini([1, -1])


def test_satisfaction_figures_by_hand():
    costs = {"a": 100, "b": 50, "c": 30}
    ballots = [{"a"}, {"a", "b"}, {"c"}, set()]
    funded = {"a", "b"}
    assert rules.satisfactions(ballots, funded, costs) == [100, 150, 0, 0]
    assert rules.avg_satisfaction(ballots, funded, costs) == 62.5
    assert rules.non_empty_handed(ballots, funded, costs) == 0.5
    assert rules.avg_satisfaction([], funded, costs) is None
    assert rules.non_empty_handed([], funded, costs) is None
    assert rules.satisfaction_gini(ballots, set(), costs) == 0.0   # nothing funded: equally unserved
    with pytest.raises(rules.RuleError, match="unknown project 'z'"):
        rules.satisfactions([{"z"}], funded, costs)
    with pytest.raises(rules.RuleError, match="less than nothing"):
        rules.satisfactions([{"a"}], funded, {"a": -1})


def test_category_proportionality_edges():
    costs = {"a": 100, "b": 100}
    cats = {"a": ["parks"], "b": ["traffic"]}
    # Voters split their money half and half; all funded money went to parks: mean squared gap 0.25.
    assert rules.category_proportionality([{"a"}, {"b"}], {"a"}, costs, cats) == pytest.approx(math.exp(-0.25))
    assert rules.category_proportionality([{"a"}, {"b"}], {"a", "b"}, costs, cats) == 1.0
    assert rules.category_proportionality([{"a"}], set(), costs, cats) == 0.0
    assert rules.category_proportionality([{"a"}], {"a"}, costs, {}) is None
    assert rules.category_proportionality([], {"a"}, costs, cats) is None
    assert rules.category_proportionality([{"a"}], {"a"}, {"a": 0, "b": 100}, cats) is None


def test_rates_and_agreement():
    assert rules.completion_rate(completed=0, total=0) is None
    assert rules.completion_rate(completed=3, total=4) == 0.75
    assert rules.execution_rate(executed=120, approved=100) == 1.2   # an overspend shows
    assert rules.execution_rate(executed=5, approved=0) is None
    with pytest.raises(rules.RuleError, match="negative"):
        rules.execution_rate(executed=-1, approved=10)
    assert rules.per_resident(1000, 0) is None
    assert rules.per_resident(1000, 4) == 250
    assert rules.pairwise_agreement(["green"]) is None
    assert rules.pairwise_agreement(["green", "green", "green"]) == 1.0
    assert rules.pairwise_agreement(["green", "red", "yellow"]) == 0.0
    assert rules.pairwise_agreement(["green", "green", "red"]) == pytest.approx(1 / 3)
    assert rules.median([]) is None
    assert rules.median([3, 1, 2]) == 2
    assert rules.median([4, 1, 3, 2]) == 2.5


# ---- the same elections through pabutools (test-only dependency) ---------------------------------------

def _ours(path):
    pb = pabulib.parse(path.read_text(encoding="utf-8"))
    costs = {p["project_id"]: Fraction(p["cost"]) for p in pb.projects}
    funded = {p["project_id"] for p in pb.projects if p.get("selected", "0").strip() == "1"}
    cats = {p["project_id"]: [c for c in (p.get("categories") or p.get("category") or "").split(",") if c]
            for p in pb.projects}
    ballots = [set(b) for b in pb.ballots()]
    return ballots, funded, costs, cats


def _theirs(path):
    from pabutools.election import parse_pabulib

    instance, profile = parse_pabulib(str(path))
    funded = [p for p in instance if _selected(instance, p)]
    return instance, profile, funded


def _selected(instance, project):
    return str(instance.project_meta[project].get("selected", "0")).strip() == "1"


APPROVAL_FILES = ["Poland_Gdynia_2020_Babie_Doly__small.pb", "Poland_Warszawa_2018_Las.pb",
                  "Poland_Wroclaw_2017_Rejon_nr_11_750.pb", "Poland_Warszawa_2024_Wesola.pb",
                  "Poland_Lodz_2024_Katedralna.pb",
                  "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb"]


@pytest.mark.parametrize("name", APPROVAL_FILES)
def test_fairness_figures_equal_pabutools_on_pabulib_files(name):
    from pabutools.analysis import (
        avg_satisfaction,
        category_proportionality,
        gini_coefficient_of_satisfaction,
        percent_non_empty_handed,
    )
    from pabutools.election import Cost_Sat

    path = FIXTURES / name
    ballots, funded, costs, cats = _ours(path)
    instance, profile, their_funded = _theirs(path)
    assert {p.name for p in their_funded} == funded and funded, "the file records its winners"
    assert rules.non_empty_handed(ballots, funded, costs) == pytest.approx(
        float(percent_non_empty_handed(instance, profile, their_funded)))
    assert rules.avg_satisfaction(ballots, funded, costs) == pytest.approx(
        float(avg_satisfaction(instance, profile, their_funded, Cost_Sat)))
    assert rules.satisfaction_gini(ballots, funded, costs) == pytest.approx(
        float(gini_coefficient_of_satisfaction(instance, profile, their_funded, Cost_Sat)))
    if instance.categories and all(sum(costs[p] for p in b) > 0 for b in ballots):
        assert rules.category_proportionality(ballots, funded, costs, cats) == pytest.approx(
            float(category_proportionality(instance, profile, their_funded)))
