"""Tracking's rules at their edges: roll-up, update due dates and flags, variance, quarters."""
import datetime

import pytest

from tracking import rules
from tracking.rules import Item

D = datetime.date


def test_progress_is_weighted_and_ignores_cancelled():
    items = [Item(3, 50, "on_track"), Item(1, 100, "done"), Item(5, 0, "cancelled")]
    assert rules.weighted_progress(items) == (3 * 50 + 100) // 4


def test_progress_done_counts_full_and_nothing_counts_zero():
    assert rules.weighted_progress([Item(1, 20, "done")]) == 100
    assert rules.weighted_progress([]) == 0
    assert rules.weighted_progress([Item(1, 0, "cancelled")]) == 0


def test_next_due_skips_closed_milestones():
    items = [Item(1, 0, "done", D(2026, 1, 1)), Item(1, 0, "on_track", D(2026, 3, 1)),
             Item(1, 0, "delayed", D(2026, 2, 1)), Item(1, 0, "cancelled", D(2025, 1, 1))]
    assert rules.next_due(items) == D(2026, 2, 1)
    assert rules.next_due([Item(1, 100, "done", D(2026, 1, 1))]) is None


def test_update_due_is_interval_after_last_update_or_planned_end_if_sooner():
    assert rules.update_due_on(status="on_track", planned_end=D(2027, 1, 1), last_update_on=D(2026, 1, 1),
                               interval_days=90) == D(2026, 4, 1)
    assert rules.update_due_on(status="on_track", planned_end=D(2026, 2, 1), last_update_on=D(2026, 1, 1),
                               interval_days=90) == D(2026, 2, 1)
    # Updated after the planned date passed: the interval runs again from that update.
    assert rules.update_due_on(status="delayed", planned_end=D(2026, 2, 1), last_update_on=D(2026, 3, 1),
                               interval_days=30) == D(2026, 3, 31)
    assert rules.update_due_on(status="done", planned_end=D(2026, 2, 1), last_update_on=D(2026, 1, 1),
                               interval_days=30) is None


@pytest.mark.parametrize("today,flag", [
    (D(2026, 4, 1), "ok"),          # on the due date itself
    (D(2026, 4, 2), "overdue"),     # the day after
    (D(2026, 4, 15), "overdue"),    # last day of a 14-day grace
    (D(2026, 4, 16), "red"),
])
def test_update_flag_grace_edges(today, flag):
    assert rules.update_flag(due_on=D(2026, 4, 1), today=today, grace_days=14) == flag


def test_no_due_date_never_flags():
    assert rules.update_flag(due_on=None, today=D(2030, 1, 1), grace_days=0) == "ok"


def test_delayed_when_marked_or_past_planned_end():
    assert rules.is_delayed(status="delayed", planned_end=D(2030, 1, 1), today=D(2026, 1, 1))
    assert rules.is_delayed(status="on_track", planned_end=D(2026, 1, 1), today=D(2026, 1, 2))
    assert not rules.is_delayed(status="on_track", planned_end=D(2026, 1, 1), today=D(2026, 1, 1))
    assert not rules.is_delayed(status="done", planned_end=D(2026, 1, 1), today=D(2027, 1, 1))


def test_variance_uses_executed_else_committed():
    assert rules.spent(committed=80, executed=None) == 80
    assert rules.spent(committed=80, executed=120) == 120
    assert rules.variance_percent(approved=100, spent_amount=110) == 10.0
    assert not rules.over_variance(approved=100, spent_amount=110, limit_percent=10)  # exactly the limit
    assert rules.over_variance(approved=100, spent_amount=111, limit_percent=10)
    assert rules.over_variance(approved=100, spent_amount=80, limit_percent=10)  # under-spending too
    assert rules.variance_percent(approved=0, spent_amount=10) is None
    assert rules.variance_percent(approved=None, spent_amount=10) is None


def test_council_decision_amounts():
    assert rules.approved_after_decision(outcome="approved", planned=1000, cut_amount=None) == 1000
    assert rules.approved_after_decision(outcome="cut", planned=1000, cut_amount=300) == 700
    assert rules.approved_after_decision(outcome="cut", planned=1000, cut_amount=5000) == 0
    assert rules.approved_after_decision(outcome="rejected", planned=1000, cut_amount=None) == 0


def test_stalled_at_exactly_the_limit():
    assert rules.is_stalled(last_activity=D(2026, 1, 1), today=D(2026, 4, 1), days=90)
    assert not rules.is_stalled(last_activity=D(2026, 1, 2), today=D(2026, 4, 1), days=90)


def test_quarters():
    assert rules.quarter_bounds("2026Q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert rules.quarter_bounds("2026q1") == (D(2026, 1, 1), D(2026, 3, 31))
    assert rules.quarter_reported_on(D(2027, 1, 1)) == "2026Q4"
    assert rules.quarter_reported_on(D(2026, 10, 1)) == "2026Q3"
    for bad in ("2026Q5", "2026-Q4", "", "26Q1", "2026Q0"):
        with pytest.raises(ValueError):
            rules.parse_quarter(bad)
