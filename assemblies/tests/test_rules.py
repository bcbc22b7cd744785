"""The pass rule at its edges: more than half of those present AND within the top K."""
import pytest

from assemblies.rules import decide, has_majority


def first_n(n):
    return lambda keys: sorted(keys)  # deterministic "lot": alphabetical order


def passed(outcomes):
    return {o.key for o in outcomes if o.passed}


def test_exactly_half_is_not_enough():
    assert not has_majority(5, 10)
    assert has_majority(6, 10)
    assert has_majority(6, 11) and not has_majority(5, 11)
    outcomes, lot = decide({"a": 5, "b": 6}, present=10, top_k=2)
    assert passed(outcomes) == {"b"} and lot is None


def test_majority_but_rank_k_plus_1_fails_k2():
    outcomes, lot = decide({"a": 9, "b": 8, "c": 7, "d": 2}, present=10, top_k=2)
    assert passed(outcomes) == {"a", "b"}
    c = next(o for o in outcomes if o.key == "c")
    assert c.has_majority and c.rank == 3 and not c.passed
    assert lot is None


def test_majority_but_rank_k_plus_1_fails_k3():
    outcomes, _ = decide({"a": 9, "b": 8, "c": 7, "d": 6, "e": 1}, present=10, top_k=3)
    assert passed(outcomes) == {"a", "b", "c"}
    d = next(o for o in outcomes if o.key == "d")
    assert d.has_majority and d.rank == 4 and not d.passed


def test_top_k_without_majority_fails():
    outcomes, _ = decide({"a": 8, "b": 4, "c": 3}, present=10, top_k=3)
    assert passed(outcomes) == {"a"}


@pytest.mark.parametrize("top_k", [2, 3])
def test_tie_across_rank_k_is_settled_by_lot(top_k):
    # ranks: a=1, then b, c, d tie at rank 2 — K=2 leaves one place, K=3 leaves two.
    counts = {"a": 9, "b": 7, "c": 7, "d": 7, "e": 1}
    outcomes, lot = decide(counts, present=10, top_k=top_k, draw=lambda keys: ["d", "b", "c"])
    assert lot.slots == top_k - 1 and lot.votes == 7
    assert lot.drawn_order == ["d", "b", "c"]
    assert passed(outcomes) == {"a", *["d", "b", "c"][: top_k - 1]}
    assert {o.key for o in outcomes if o.in_lot} == {"b", "c", "d"}
    assert all(o.rank == 2 for o in outcomes if o.in_lot)


def test_tie_within_top_k_needs_no_lot():
    outcomes, lot = decide({"a": 8, "b": 8, "c": 2}, present=10, top_k=2)
    assert passed(outcomes) == {"a", "b"} and lot is None


def test_tie_at_rank_k_without_majority_needs_no_lot():
    outcomes, lot = decide({"a": 9, "b": 5, "c": 5}, present=10, top_k=2)
    assert passed(outcomes) == {"a"} and lot is None


def test_tie_at_rank_1_larger_than_k():
    outcomes, lot = decide({"a": 7, "b": 7, "c": 7}, present=10, top_k=2, draw=lambda keys: ["c", "a", "b"])
    assert passed(outcomes) == {"c", "a"} and lot.slots == 2


def test_nobody_present_passes_nothing():
    outcomes, lot = decide({"a": 0}, present=0, top_k=2)
    assert passed(outcomes) == set() and lot is None


def test_default_lot_is_random_but_takes_exactly_the_places_left():
    for _ in range(20):
        outcomes, lot = decide({"a": 9, "b": 7, "c": 7, "d": 7}, present=10, top_k=3)
        assert len(passed(outcomes)) == 3 and "a" in passed(outcomes)
        assert sorted(lot.drawn_order) == ["b", "c", "d"]
