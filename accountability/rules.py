"""The meetings' and hearings' rules as pure functions (docs/decisions.md, "Accountability: meetings and hearings")."""
import datetime

# Outcomes of a local opposition that end or cut the project: only the committee approves them (the city's
# coordination procedure), so they wait on its agenda; "modify" needs the proposer's consent instead.
COMMITTEE_OUTCOMES = ("withdraw", "close_early")
# Outcomes that go on through tracking's change request (the proposer's sign-off, then the committee).
CHANGE_REQUEST_OUTCOMES = ("modify", "withdraw", "close_early")


def meeting_open_for_decisions(*, held_on: datetime.date, today: datetime.date, minutes_recorded: bool) -> bool:
    """Decisions are taken at the meeting: from its date on, and until its minutes close it."""
    return not minutes_recorded and today >= held_on


def decision_problem(*, code: str, allowed: tuple[str, ...], due: datetime.date | None,
                     held_on: datetime.date) -> str | None:
    """Why a decision cannot be recorded as given (a msgid key), or None.

    The code must be one the item's source offers; a follow-up date lies after the meeting.
    """
    if code not in allowed:
        return "unknown_decision"
    if due is not None and due <= held_on:
        return "due_not_after_meeting"
    return None


def followup_overdue(*, due: datetime.date | None, today: datetime.date, closed: bool) -> bool:
    """A decision's follow-up is overdue once its date has passed and nobody has closed it."""
    return due is not None and not closed and today > due


def opposition_outcome_problem(*, outcome: str, meetings_held: int, has_outcome: bool) -> str | None:
    """The coordination procedure: record the opposition, hold a coordination meeting, then one outcome."""
    if has_outcome:
        return "outcome_exists"
    if meetings_held < 1:
        return "meeting_first"
    return None


def opposition_waits_for_committee(*, outcome: str | None, committee_decided: bool) -> bool:
    """Withdrawal or early closure after opposition is on the committee's agenda until it decides."""
    return outcome in COMMITTEE_OUTCOMES and not committee_decided
