"""Proposals' SOP rules as pure functions (docs/decisions.md, "Accountability: sign-off, contacts, questions")."""
import datetime


def is_orphaned(*, last_activity: datetime.datetime, now: datetime.datetime, days: int) -> bool:
    """A proposer who has not answered or attended for `days` full days is flagged (the day itself is not)."""
    return now - last_activity > datetime.timedelta(days=days)


def may_open_another_draft(*, open_drafts: int, limit: int) -> bool:
    """A resident keeps at most `limit` drafts written online waiting in a cycle (a withdrawn or raised one no
    longer counts), so one account cannot flood the district office's queue; 0 turns writing online off."""
    return open_drafts < limit
