"""What must hold between training records, checked by `audit_verify` and the scheduled verification.

Registered with the base's invariant registry from TrainingConfig.ready (pbcity/audit/invariants.py).
Attendance and cards are rows the application corrects in place, so their history (append-only, in
the chain) is the record: the rows must read as their last history record, hours credited never exceed
the course's hours and were recorded by someone who was a trainer then, a valid card's level is reached
by the hours attended, a staff revocation stays, and was made by civil affairs.
"""
from collections import defaultdict
from decimal import Decimal

from pbcity.audit import invariants
from pbcity.audit.invariants import Problem
from pbcity.roles import Role

from .models.cards import THRESHOLDS

_WHAT = {"": "has no history record", "deleted": "was deleted in its history",
         "missing": "is gone without a history record of it"}


def _mismatch(label, pk, field, now, recorded) -> str:
    return f"{label} {pk} " + _WHAT.get(field, f"{field} is {now} but its history says {recorded}")


def _card_subject(pk) -> str:
    return f"training.citizencard:{pk}"


@invariants.invariant("training.attendance_matches_history")
def attendance_matches_history(*, using="default"):
    from .models import Attendance

    for pk, field, now, recorded in invariants.history_mismatches(
            Attendance, ["session_id", "user_id", "hours"], using=using):
        yield Problem(ref=f"training.attendance:{pk}", detail=_mismatch("attendance", pk, field, now, recorded))


@invariants.invariant("training.attendance_recorded_by_trainer")
def attendance_recorded_by_trainer(*, using="default"):
    """Every recorded value of attendance: at most the course's hours, by a trainer of that moment."""
    from .models import Attendance, Session

    timeline = invariants.RoleTimeline(using=using)
    course_hours = dict(Session.objects.using(using).values_list("pk", "course__hours"))
    rows = (Attendance.history.model._base_manager.using(using).exclude(history_type="-")
            .values_list("history_id", "id", "session_id", "hours", "recorded_by_id", "history_date"))
    for history_id, pk, session_id, hours, recorded_by, at in rows:
        ref = f"training.historicalattendance:{history_id}"
        limit = course_hours.get(session_id)
        if limit is not None and hours > limit:
            yield Problem(ref=ref, detail=f"attendance {pk}: {hours} hours credited for a course of {limit}")
        elif not timeline.held(recorded_by, Role.TRAINER, at):
            yield Problem(ref=ref, detail=f"attendance {pk} was recorded by user {recorded_by}, not a trainer then")


@invariants.invariant("training.cards_match_history")
def cards_match_history(*, using="default"):
    from .models import CitizenCard

    for pk, field, now, recorded in invariants.history_mismatches(
            CitizenCard, ["holder_id", "level", "revoked_at", "revoked_kind", "revoked_by_id"], using=using):
        yield Problem(ref=_card_subject(pk), subject=_card_subject(pk),
                      detail=_mismatch("citizen card", pk, field, now, recorded))


@invariants.invariant("training.cards_follow_attendance")
def cards_follow_attendance(*, using="default"):
    """A valid card's level is reached by its holder's qualifying hours; a staff revocation is final and
    was made by civil affairs."""
    from .models import Attendance, CitizenCard

    hours = defaultdict(lambda: Decimal("0"))
    for user_id, h in (Attendance.objects.using(using).filter(session__course__counts_toward_cards=True)
                       .values_list("user_id", "hours")):
        hours[user_id] += h
    timeline = invariants.RoleTimeline(using=using)
    staff_revoked = set(CitizenCard.history.model._base_manager.using(using)
                        .filter(revoked_kind=CitizenCard.RevokedKind.STAFF).values_list("id", flat=True))
    for card in CitizenCard.objects.using(using).order_by("pk").values(
            "pk", "holder_id", "level", "revoked_at", "revoked_kind", "revoked_by_id"):
        ref = _card_subject(card["pk"])
        total, needed = hours[card["holder_id"]], THRESHOLDS.get(card["level"])
        if card["revoked_at"] is None and (needed is None or total < needed):
            yield Problem(ref=ref, subject=ref, detail=f"a valid {card['level']} card for user {card['holder_id']}, "
                                                       f"who attended {total} hours ({needed} needed)")
        if card["revoked_at"] is None and card["pk"] in staff_revoked:
            yield Problem(ref=ref, subject=ref, detail="the card was revoked by staff and is valid again")
        if card["revoked_kind"] == CitizenCard.RevokedKind.STAFF and not timeline.held(
                card["revoked_by_id"], Role.CIVIL_AFFAIRS, card["revoked_at"]):
            yield Problem(ref=ref, subject=ref,
                          detail=f"revoked by user {card['revoked_by_id']}, who was not civil-affairs staff then")
