"""Add1's skipped steps at their edges: a project that becomes affordable exactly on a step, a tie that
appears on a step, a start budget that is not a whole number, and outcomes that leave the module as
plain fractions although the arithmetic runs in GMP (docs/decisions.md, "Shared file storage and Add1 at
scale"). Each case compares skipping with running every step, and the simple ones with a hand count."""
import random
from fractions import Fraction

import pytest

from voting.counting import Election, equal_shares
from voting.counting.mes import BUDGET, EXHAUSTIVE


def _both(election, until):
    fast = equal_shares(election, add1=True, add1_until=until)
    every = equal_shares(election, add1=True, add1_until=until, skip=False)
    assert (fast.selected, fast.spending, fast.notes) == (every.selected, every.spending, every.notes)
    return fast


def test_a_project_affordable_exactly_on_a_step_is_funded_on_that_step():
    # 10 voters, 100 → 10 each. "b" (cost 30, two supporters) becomes affordable at exactly 15 each: the
    # steps 11…14 are skippable, 15 is not. "a" (cost 70, the other eight) is funded at once.
    ballots = [{"a": 1}] * 8 + [{"b": 1}] * 2
    e = Election(budget=Fraction(100), costs={"a": Fraction(70), "b": Fraction(30)}, ballots=ballots,
                 kind="approval")
    out = _both(e, EXHAUSTIVE)
    assert out.selected == ["a", "b"] and out.cost == 100
    assert out.spending[-1] == Fraction(15) and out.spending[0] == Fraction(70, 8)


def test_a_tie_that_appears_on_a_step_is_broken_by_the_tie_rule_on_that_step():
    # "x" and "y" cost the same for the same number of supporters: they tie at every step, so the lot
    # (lower cost, more votes, then the recorded order) decides; both fit only from a later step on.
    ballots = [{"x": 1, "z": 1}] * 3 + [{"y": 1, "z": 1}] * 3 + [{}] * 4
    e = Election(budget=Fraction(90), costs={"x": Fraction(45), "y": Fraction(45), "z": Fraction(60)},
                 ballots=ballots, kind="approval")
    for until in (EXHAUSTIVE, BUDGET):
        out = _both(e, until)
        assert out.cost <= 90 and len(set(out.selected)) == len(out.selected)


def test_a_start_budget_that_is_not_a_whole_number_steps_by_whole_units():
    # 7 voters, 100 → 100/7 each; Add1 (as pabutools) tries 100/7 + 1, + 2, …; the cities' variant
    # ⌊100/7⌋ + 1 = 15, 16, …
    ballots = [{"a": 1}] * 4 + [{"b": 1}] * 3
    e = Election(budget=Fraction(100), costs={"a": Fraction(60), "b": Fraction(40)}, ballots=ballots,
                 kind="approval")
    out = _both(e, EXHAUSTIVE)
    assert out.selected == ["a", "b"]
    assert sum(out.spending) == 100 and out.spending[0] == Fraction(15)
    budget_variant = _both(e, BUDGET)
    assert budget_variant.selected == ["a", "b"]


def test_outcomes_are_plain_fractions_with_readable_notes():
    ballots = [{"a": 1, "b": 1}] * 3 + [{"b": 1}]
    e = Election(budget=Fraction(10), costs={"a": Fraction(5), "b": Fraction(4)}, ballots=ballots, kind="approval")
    out = equal_shares(e, add1=True)
    assert type(out.cost) is Fraction and all(type(x) is Fraction for x in out.spending)
    assert out.notes["b"] == "MES: λ = 1" and out.notes["a"] == "MES: λ = 5/3"


def _boundary_rich_elections(count):
    """Costs that are whole multiples of their supporters' counts and budgets that divide evenly or not:
    many projects become affordable, and many pairs tie, exactly on a step."""
    for seed in range(count):
        rnd = random.Random(1000 + seed)
        kind = rnd.choice(["approval", "approval", "cumulative"])
        projects = [str(i) for i in range(rnd.randint(3, 8))]
        n = rnd.randint(4, 30)
        ballots = []
        for _ in range(n):
            picks = rnd.sample(projects, rnd.randint(0, min(3, len(projects))))
            ballots.append({p: 1 if kind == "approval" else rnd.randint(1, 3) for p in picks})
        support = {p: max(1, sum(1 for b in ballots if p in b)) for p in projects}
        costs = {p: Fraction(support[p] * rnd.choice([5, 10, 12, 15, 20])) for p in projects}
        budget = Fraction(rnd.choice([n * 10, n * 10 + 3, sum(costs.values()) // 2 or 1]))
        yield Election(budget=budget, costs=costs, ballots=ballots, kind=kind)


@pytest.mark.parametrize("until", [EXHAUSTIVE, BUDGET])
def test_skipping_equals_every_step_where_affordability_and_ties_fall_exactly_on_steps(until):
    for election in _boundary_rich_elections(120):
        _both(election, until)
