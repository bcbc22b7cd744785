"""The flag rules at their edges: exact tails, the floors, and the threshold each flag states."""
import datetime
import math

import pytest

from mobilisation import rules


def test_binomial_tail_is_exact():
    # P(X >= 8 | 10, 0.2) = sum_{k=8}^{10} C(10,k) 0.2^k 0.8^(10-k)
    exact = sum(math.comb(10, k) * 0.2 ** k * 0.8 ** (10 - k) for k in range(8, 11))
    assert rules.binomial_tail(8, 10, 0.2) == pytest.approx(exact, rel=1e-12)
    below = sum(math.comb(10, k) * 0.5 ** 10 for k in range(3, 11))
    assert rules.binomial_tail(3, 10, 0.5) == pytest.approx(below, rel=1e-12)
    assert rules.binomial_tail(0, 10, 0.5) == 1.0
    assert rules.binomial_tail(11, 10, 0.5) == 0.0
    assert rules.binomial_tail(1, 10, 0.0) == 0.0 and rules.binomial_tail(10, 10, 1.0) == 1.0


def test_poisson_tail_is_exact():
    exact = 1 - sum(math.exp(-2) * 2 ** k / math.factorial(k) for k in range(5))
    assert rules.poisson_tail(5, 2.0) == pytest.approx(exact, rel=1e-9)
    assert rules.poisson_tail(0, 3.0) == 1.0 and rules.poisson_tail(1, 0.0) == 0.0


def test_a_bloc_is_raised_exactly_at_its_stated_threshold():
    # 20 votes for an item; the village is 20% of the room.
    m = rules.excess(0, 20, 0.2, **rules.BLOC)
    least = round(m.threshold * 20)
    assert least >= 10  # half of the votes at least (min_share)
    assert rules.binomial_tail(least, 20, 0.2) <= rules.BLOC["alpha"] < rules.binomial_tail(least - 1, 20, 0.2)
    assert rules.excess(least, 20, 0.2, **rules.BLOC).raised
    assert not rules.excess(least - 1, 20, 0.2, **rules.BLOC).raised
    assert m.baseline == 0.2


def test_tiny_counts_are_never_flagged_however_unlikely():
    # 4 of 4 votes from a village that is 1% of the room: very unlikely, but under the floor of 5.
    m = rules.excess(4, 4, 0.01, **rules.BLOC)
    assert m.tail < 1e-7 and not m.raised and m.threshold == 1.0


def test_a_big_room_needs_a_big_excess_not_only_a_small_tail():
    # 10,000 ballots: 1,300 where 1,000 are expected is far out in the tail, but a lift of only 1.3.
    m = rules.excess(1300, 10_000, 0.1, **rules.LAST_DAY)
    assert m.tail < 1e-15 and not m.raised
    assert m.threshold == pytest.approx(0.15)
    assert rules.excess(1500, 10_000, 0.1, **rules.LAST_DAY).raised


def test_a_group_that_is_the_whole_room_is_no_bloc():
    assert not rules.excess(30, 30, 1.0, **rules.BLOC).raised


def test_burst_threshold_and_floor():
    m = rules.burst(14, 0.5, **rules.SIGNIN_BURST)
    assert not m.raised and m.threshold == 15  # the floor, though 14 at a rate of 0.5 is absurdly unlikely
    assert rules.burst(15, 0.5, **rules.SIGNIN_BURST).raised
    m = rules.burst(0, 10.0, **rules.SIGNIN_BURST)
    least = int(m.threshold)
    assert rules.poisson_tail(least, 10.0) <= 1e-4 < rules.poisson_tail(least - 1, 10.0)
    assert rules.burst(least, 10.0, **rules.SIGNIN_BURST).raised
    assert not rules.burst(least - 1, 10.0, **rules.SIGNIN_BURST).raised


def test_busiest_window():
    t0 = datetime.datetime(2026, 3, 1, 9, 0)
    times = [t0 + datetime.timedelta(minutes=m) for m in (0, 1, 2, 10, 11, 12, 13, 14, 30)]
    count, start = rules.busiest_window(times, 5)
    assert (count, start) == (5, t0 + datetime.timedelta(minutes=10))
    # a window is half-open: 5 minutes after the first is outside it
    assert rules.busiest_window([t0, t0 + datetime.timedelta(minutes=5)], 5) == (1, t0)


def test_staff_clusters_split_after_ten_minutes_and_by_staff():
    t0 = datetime.datetime(2026, 3, 1, 9, 0)
    m = datetime.timedelta(minutes=1)
    out = rules.staff_clusters([("a", 1, t0), ("b", 1, t0 + 10 * m), ("c", 1, t0 + 11 * m), ("d", 2, t0 + m)])
    assert out["a"] == out["b"] == (1, t0)
    assert out["c"] == (1, t0 + 11 * m)
    assert out["d"] == (2, t0 + m)
