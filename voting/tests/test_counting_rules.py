"""Greedy and the Method of Equal Shares: edge cases, exactness and the per-voter spending."""

from fractions import Fraction

import pytest

from voting.counting import RULES, Election, ElectionError, equal_shares, greedy
from voting.counting.election import POINTS


def election(costs, ballots, budget, **kw):
    return Election(budget=Fraction(budget), costs={k: Fraction(v) for k, v in costs.items()}, ballots=ballots, **kw)


def approve(*ids):
    return {p: 1 for p in ids}


# --- greedy --------------------------------------------------------------------------------------


def test_greedy_skips_a_project_that_does_not_fit_and_goes_on():
    e = election(
        {"a": 60, "b": 50, "c": 40}, [approve("a", "b", "c")] * 3 + [approve("a", "b")] * 2 + [approve("a")], 100
    )
    assert greedy(e).selected == ["a", "c"]


def test_greedy_stop_variant_stops_at_the_first_that_does_not_fit():
    e = election(
        {"a": 60, "b": 50, "c": 40}, [approve("a", "b", "c")] * 3 + [approve("a", "b")] * 2 + [approve("a")], 100
    )
    assert greedy(e, variant="stop").selected == ["a"]


def test_greedy_minimum_votes_threshold_comes_before_the_budget():
    e = election({"a": 10, "b": 10}, [approve("a", "b"), approve("a")], 100)
    assert greedy(e, min_votes=2).selected == ["a"]


def test_greedy_ties_go_to_the_lower_cost_then_more_votes_then_the_lot():
    # Equal points: the cheaper one first.
    e = election({"x": 70, "y": 40, "z": 60}, [{"x": 2}, {"y": 1, "z": 1}, {"y": 1}, {"z": 1}], 100, kind=POINTS)
    assert greedy(e).selected == ["y", "z"]
    # Equal score and cost: the lot decides, as recorded.
    tied = election({"p": 50, "q": 50, "r": 50}, [approve("p", "q", "r")], 100, lot=("r", "p", "q"))
    assert greedy(tied).selected == ["r", "p"]


def test_greedy_never_funds_a_project_costing_more_than_the_budget():
    e = election({"big": 101, "small": 1}, [approve("big")] * 10 + [approve("small")], 100)
    assert greedy(e).selected == ["small"]


def test_greedy_spends_the_budget_exactly():
    e = election({"a": 70, "b": 30, "c": 1}, [approve("a", "b", "c")], 100)
    out = greedy(e)
    assert out.selected == ["c", "b"] or out.cost <= 100
    exact = election({"a": 70, "b": 30}, [approve("a", "b")], 100)
    assert greedy(exact).cost == 100 and greedy(exact).selected == ["b", "a"]


# --- Method of Equal Shares ----------------------------------------------------------------------


def test_mes_protects_a_minority_that_greedy_ignores():
    # 60 voters want A1/A2 (50 each), 40 want B (40); budget 100, a share of 1 each. Greedy funds
    # A1 and A2. MES: A1 costs its 60 supporters 5/6 each; then A2's supporters hold 1/6 each (10 in
    # all) and cannot pay 50, while B's 40 supporters pay 1 each: A1 and B.
    ballots = [approve("A1", "A2")] * 60 + [approve("B")] * 40
    e = election({"A1": 50, "A2": 50, "B": 40}, ballots, 100)
    assert greedy(e).selected == ["A1", "A2"]
    assert equal_shares(e).selected == ["A1", "B"]


def test_mes_per_voter_spending_adds_up_to_the_cost_exactly():
    ballots = [approve("a", "b")] * 3 + [approve("b")] * 4 + [approve("c")]
    e = election({"a": 30, "b": 50, "c": 7}, ballots, 90)
    out = equal_shares(e)
    assert sum(out.spending) == out.cost
    assert all(isinstance(x, Fraction) for x in out.spending)
    assert all(x <= Fraction(90, 8) for x in out.spending)  # nobody pays more than their share


def test_mes_empty_ballots_count_in_the_share_but_pay_nothing():
    e = election({"a": 60}, [approve("a")] * 2 + [{}] * 2, 100)
    out = equal_shares(e)
    # Share 25 each; the two supporters hold 50 < 60: nothing can be funded.
    assert out.selected == []
    assert out.spending == [0, 0, 0, 0]
    assert equal_shares(election({"a": 50}, [approve("a")] * 2 + [{}] * 2, 100)).selected == ["a"]


def test_mes_skips_a_project_costing_more_than_the_budget():
    e = election({"big": 150, "a": 10}, [approve("big", "a")] * 5, 100)
    assert equal_shares(e, add1=True).selected == ["a"]


def test_mes_ties_are_settled_by_lower_cost_then_votes_then_lot():
    # Identical supporters and equal cost per supporter ratio: same λ/cost.
    e = election({"p": 40, "q": 40}, [approve("p", "q")] * 4, 80, lot=("q", "p"))
    assert equal_shares(e).selected == ["q", "p"]
    cheaper = election({"p": 40, "q": 20}, [approve("p", "q")] * 4, 80)
    assert equal_shares(cheaper).selected[0] == "q"


def test_mes_add1_completes_and_never_exceeds_the_budget():
    ballots = [approve("a")] * 5 + [approve("b")] * 3 + [approve("c")] * 2
    e = election({"a": 45, "b": 40, "c": 25}, ballots, 100)
    plain = equal_shares(e)
    assert plain.selected == ["a"]  # share 10: b needs 40 from 3 × 10, c needs 25 from 2 × 10
    completed = equal_shares(e, add1=True)
    assert completed.cost <= 100
    # At 13 per voter c's two supporters reach 26 ≥ 25; a + c = 70 and b (40) no longer fits: exhaustive.
    assert completed.selected == ["a", "c"]
    assert completed.spending[-1] == Fraction(25, 2)
    assert equal_shares(e, add1=True, then_greedy=True).selected == ["a", "c"]


def test_points_use_the_points_as_utilities():
    # Voter 1 puts 9 points on x and 1 on y: with points as utilities x is much cheaper for them.
    e = election({"x": 50, "y": 50}, [{"x": 9, "y": 1}, {"x": 1, "y": 9}], 100, kind=POINTS)
    assert sorted(equal_shares(e).selected) == ["x", "y"]


def test_a_float_near_tie_is_decided_exactly():
    # Costs 1/3 apart in ten millionths: floats see the same λ ratio, fractions do not.
    third = Fraction(1, 3)
    e = Election(
        budget=Fraction(10**9),
        costs={"a": Fraction(10**8) + third, "b": Fraction(10**8)},
        ballots=[approve("a", "b")] * 3,
        kind="approval",
    )
    assert equal_shares(e).selected[0] == "b"


def test_bad_elections_are_refused_with_a_reason():
    with pytest.raises(ElectionError, match="unknown project 'zz'"):
        election({"a": 1}, [approve("zz")], 10)
    with pytest.raises(ElectionError, match="cost cannot be negative"):
        election({"a": -1}, [], 10)
    with pytest.raises(ElectionError, match="lot must list every project"):
        election({"a": 1, "b": 2}, [], 10, lot=("a",))


def test_every_named_rule_runs_and_reports_voters_served():
    e = election({"a": 30, "b": 30, "c": 50}, [approve("a")] * 3 + [approve("b", "c")] * 2 + [{}], 100)
    for name, rule in RULES.items():
        out = rule(e)
        assert out.cost <= 100, name
        assert 0 <= out.voters_served(e) <= 5, name
