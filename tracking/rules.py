"""Tracking's SOP rules (DESIGN.md item 9) as pure functions the services, selectors and tests share.

- Progress is the weighted mean of the milestones' percent done; cancelled milestones do not count.
- An open milestone's update is due `interval` days after its last update, and no later than its
  planned completion once that passes (the agency must then say what happened). After the due date
  the agency is reminded; after `grace` more days the committee sees a red flag.
- Budget variance compares what was spent (executed, else committed) with the approved amount.
- Quarters are named by the quarter reported on ("2026Q4" is reported on 2027-01-01).
"""
import datetime
import re
from dataclasses import dataclass

CLOSED = ("done", "cancelled")


@dataclass(frozen=True)
class Item:
    weight: int
    percent: int
    status: str
    planned_end: datetime.date | None = None


def weighted_progress(items) -> int:
    """0–100, rounded down; 0 when nothing counts."""
    counted = [i for i in items if i.status != "cancelled" and i.weight > 0]
    total = sum(i.weight for i in counted)
    if not total:
        return 0
    done = sum(i.weight * (100 if i.status == "done" else min(i.percent, 100)) for i in counted)
    return done // total


def next_due(items) -> datetime.date | None:
    """The earliest planned completion among open milestones."""
    dates = [i.planned_end for i in items if i.status not in CLOSED and i.planned_end]
    return min(dates) if dates else None


def update_due_on(*, status: str, planned_end, last_update_on, interval_days: int) -> datetime.date | None:
    if status in CLOSED:
        return None
    due = last_update_on + datetime.timedelta(days=interval_days)
    if planned_end and last_update_on <= planned_end:
        due = min(due, planned_end)
    return due


OK, OVERDUE, RED = "ok", "overdue", "red"


def update_flag(*, due_on, today, grace_days: int) -> str:
    """`ok` up to the due date itself, `overdue` after it, `red` once the grace period has passed too."""
    if due_on is None or today <= due_on:
        return OK
    if today > due_on + datetime.timedelta(days=grace_days):
        return RED
    return OVERDUE


def is_delayed(*, status: str, planned_end, today) -> bool:
    return status == "delayed" or (status not in CLOSED and planned_end is not None and today > planned_end)


def spent(*, committed: int | None, executed: int | None) -> int | None:
    return executed if executed is not None else committed


def variance_percent(*, approved: int | None, spent_amount: int | None) -> float | None:
    """(spent − approved) / approved × 100; None without both figures or with nothing approved."""
    if not approved or spent_amount is None:
        return None
    return (spent_amount - approved) * 100.0 / approved


def over_variance(*, approved, spent_amount, limit_percent: int) -> bool:
    v = variance_percent(approved=approved, spent_amount=spent_amount)
    return v is not None and abs(v) > limit_percent


def is_stalled(*, last_activity: datetime.date, today: datetime.date, days: int) -> bool:
    return (today - last_activity).days >= days


def approved_after_decision(*, outcome: str, planned: int, cut_amount: int | None) -> int:
    """What the council leaves for the project: all, all minus the cut (never below 0), or nothing."""
    if outcome == "approved":
        return planned
    if outcome == "cut":
        return max(planned - (cut_amount or 0), 0)
    return 0


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(label: str) -> tuple[int, int]:
    m = _QUARTER.match((label or "").strip().upper())
    if not m:
        raise ValueError(f"not a quarter: {label!r} (expected e.g. 2026Q4)")
    return int(m.group(1)), int(m.group(2))


def quarter_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    year, q = parse_quarter(label)
    start = datetime.date(year, 3 * q - 2, 1)
    end = datetime.date(year + 1, 1, 1) if q == 4 else datetime.date(year, 3 * q + 1, 1)
    return start, end - datetime.timedelta(days=1)


def quarter_reported_on(day: datetime.date) -> str:
    """The quarter that ended before `day`'s quarter: the one a report made on `day` covers."""
    q = (day.month - 1) // 3 + 1
    return f"{day.year - 1}Q4" if q == 1 else f"{day.year}Q{q - 1}"


# -- the proposers' sign-off (docs/decisions.md, "Accountability: sign-off, contacts, questions") -----------

PENDING, AGREED, DISPUTED = "pending", "agreed", "disputed"


def budget_change_needs_signoff(*, current: int | None, new: int, limit_percent: int) -> bool:
    """A new approved amount that moves the current one by more than the cycle's variance limit. The first
    approved amount is not a change; nothing approved yet (0) makes every change one."""
    if current is None:
        return False
    if current == 0:
        return new != 0
    return abs(new - current) * 100.0 / current > limit_percent


def signoff_outcome(*, answers, proposers: int) -> str:
    """`disputed` once anyone disagrees; `agreed` once every proposer agreed; else `pending`.
    `answers` are the agrees flags given so far (one per proposer)."""
    answers = list(answers)
    if any(a is False for a in answers):
        return DISPUTED
    if proposers and len(answers) >= proposers and all(answers):
        return AGREED
    return PENDING


def office_may_answer(*, today: datetime.date, answer_due: datetime.date) -> bool:
    """The district office may answer for an unreachable proposer only after the deadline day."""
    return today > answer_due


def question_overdue(*, today: datetime.date, answer_due: datetime.date, answered: bool) -> bool:
    return not answered and today > answer_due
