"""Deliberation views."""
from .panel import (
    allowances_csv,
    draw_input,
    draw_result,
    draw_verifier,
    panel_absent,
    panel_appoint,
    panel_close,
    panel_commit,
    panel_detail,
    panel_draw,
    panel_index,
    panel_new,
    panel_open,
    report_pdf,
    scores_csv,
    scores_json,
)
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
from .scoring import panel_score, score_submit
from .stage1 import opinion_add, session_detail, session_new, suggestion_add

__all__ = [
    "assessment", "contact_add", "contest_decide", "contest_raise", "direct_execution", "exclude", "exclusions",
    "index", "opinion_add", "premeeting_designate", "premeeting_detail", "premeeting_new", "premeeting_record",
    "principles", "proposal_record", "session_detail", "session_new", "suggestion_add",
    # review panel
    "allowances_csv", "draw_input", "draw_result", "draw_verifier", "panel_absent", "panel_appoint", "panel_close",
    "panel_commit", "panel_detail", "panel_draw", "panel_index", "panel_new", "panel_open", "panel_score",
    "report_pdf", "score_submit", "scores_csv", "scores_json",
]
