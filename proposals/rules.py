"""Proposals' SOP rules as pure functions (docs/decisions.md, "Accountability: sign-off, contacts, questions")."""
import datetime


def is_orphaned(*, last_activity: datetime.datetime, now: datetime.datetime, days: int) -> bool:
    """A proposer who has not answered or attended for `days` full days is flagged (the day itself is not)."""
    return now - last_activity > datetime.timedelta(days=days)
