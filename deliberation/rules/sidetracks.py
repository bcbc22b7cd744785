"""SOP rules for the side tracks decided after the pre-meeting (seed ch. 22), as pure functions."""
import datetime


def assessment_due_date(cycle_year: int) -> datetime.date:
    """Assessment handling is evaluated "by August": the report is due on 31 August of the cycle year."""
    return datetime.date(cycle_year, 8, 31)


def assessment_overdue(*, cycle_year: int, today: datetime.date, reported: bool) -> bool:
    """Overdue from 1 September on, until the report is in (the due day itself is still on time)."""
    return not reported and today > assessment_due_date(cycle_year)


def direct_execution_statement_ok(*, budget_covers: bool, finishable_this_year: bool) -> bool:
    """Direct execution needs both: this year's budget covers it and it can be finished this year."""
    return bool(budget_covers) and bool(finishable_this_year)
