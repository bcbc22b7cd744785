"""Deliberation views."""
from .premeeting import (
    assessment,
    contact_add,
    contest_decide,
    contest_raise,
    direct_execution,
    exclude,
    exclusions,
    index,
    premeeting_designate,
    premeeting_detail,
    premeeting_new,
    premeeting_record,
    principles,
    proposal_record,
)
from .stage1 import opinion_add, session_detail, session_new, suggestion_add

__all__ = [
    "assessment", "contact_add", "contest_decide", "contest_raise", "direct_execution", "exclude", "exclusions",
    "index", "opinion_add", "premeeting_designate", "premeeting_detail", "premeeting_new", "premeeting_record",
    "principles", "proposal_record", "session_detail", "session_new", "suggestion_add",
]
