"""The pure rules of meetings, follow-ups and the opposition procedure, at their edges."""
import datetime

import pytest

from accountability import rules

D = datetime.date(2026, 12, 3)


@pytest.mark.parametrize("today, minutes, expected", [
    (D - datetime.timedelta(1), False, False),  # the day before the meeting
    (D, False, True),  # the meeting's day
    (D + datetime.timedelta(30), False, True),  # a meeting may sit late into its minutes
    (D, True, False),  # closed by its minutes
])
def test_decisions_from_the_meeting_day_until_the_minutes(today, minutes, expected):
    assert rules.meeting_open_for_decisions(held_on=D, today=today, minutes_recorded=minutes) is expected


@pytest.mark.parametrize("code, due, expected", [
    ("approve", None, None),
    ("close", None, "unknown_decision"),
    ("", None, "unknown_decision"),
    ("approve", D, "due_not_after_meeting"),  # the same day is not a follow-up
    ("approve", D - datetime.timedelta(1), "due_not_after_meeting"),
    ("approve", D + datetime.timedelta(1), None),
])
def test_decision_problem(code, due, expected):
    assert rules.decision_problem(code=code, allowed=("approve", "return"), due=due, held_on=D) == expected


@pytest.mark.parametrize("due, today, closed, expected", [
    (None, D, False, False),  # no date: not a follow-up
    (D, D, False, False),  # due today: still in time
    (D, D + datetime.timedelta(1), False, True),
    (D, D + datetime.timedelta(1), True, False),  # reported done
])
def test_followup_overdue(due, today, closed, expected):
    assert rules.followup_overdue(due=due, today=today, closed=closed) is expected


@pytest.mark.parametrize("meetings, has_outcome, expected", [
    (0, False, "meeting_first"),
    (1, False, None),
    (3, False, None),
    (1, True, "outcome_exists"),
    (0, True, "outcome_exists"),
])
def test_opposition_outcome_needs_a_meeting_and_comes_once(meetings, has_outcome, expected):
    assert rules.opposition_outcome_problem(outcome="continue", meetings_held=meetings,
                                            has_outcome=has_outcome) == expected


@pytest.mark.parametrize("outcome, decided, expected", [
    ("withdraw", False, True), ("close_early", False, True), ("close_early", True, False),
    ("modify", False, False), ("continue", False, False), (None, False, False),
])
def test_which_outcomes_wait_for_the_committee(outcome, decided, expected):
    assert rules.opposition_waits_for_committee(outcome=outcome, committee_decided=decided) is expected
