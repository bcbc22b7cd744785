"""Every write in training: permission, validation, locking, saving, notifying."""
import base64
import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.permissions import holds_role
from pbcity.roles import Role
from pbcity.tasks import enqueue

from . import permissions as perm
from . import selectors
from .models import Attendance, CitizenCard, Consultation, ConsultationSlot, Registration, Session
from .models.cards import LEVEL_ORDER, THRESHOLDS

_LEVEL_LETTER = {"basic": "B", "advanced": "A", "deliberation": "D"}


# -- registration and the waiting list ------------------------------------------------------

def _locked_session(session) -> Session:
    # The session row is the lock that serialises every seat change in it.
    return Session.objects.select_for_update().select_related("course").get(pk=session.pk)


def session_register(*, session, user) -> Registration:
    """Take a seat, or a place at the end of the waiting list when the session is full."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to register."))
    with transaction.atomic():
        s = _locked_session(session)
        if s.is_cancelled:
            raise ValidationError(_("This session has been cancelled."))
        if s.ends_at <= timezone.now():
            raise ValidationError(_("This session is over; registration is closed."))
        reg = Registration.objects.select_for_update().filter(session=s, user=user).first()
        if reg is not None and reg.status in selectors.ACTIVE:
            raise ValidationError(_("You are already registered for this session."))
        full = selectors.seats_taken(session=s) >= s.capacity
        status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
        if reg is None:
            reg = Registration.objects.create(session=s, user=user, status=status, queued_at=timezone.now())
        else:
            reg.status, reg.queued_at = status, timezone.now()
            reg.save(update_fields=["status", "queued_at", "updated_at"])
    return reg


def session_cancel_registration(*, session, user) -> Registration:
    """Give up a seat or a waiting-list place; a freed seat goes to the first person waiting."""
    with transaction.atomic():
        s = _locked_session(session)
        reg = Registration.objects.select_for_update().filter(session=s, user=user).first()
        if reg is None or reg.status == Registration.Status.CANCELLED:
            raise ValidationError(_("You are not registered for this session."))
        if s.attendances.filter(user=user).exists():
            raise ValidationError(_("Your attendance has been recorded; the registration can no longer be cancelled."))
        freed = reg.status == Registration.Status.REGISTERED
        reg.status = Registration.Status.CANCELLED
        reg.save(update_fields=["status", "updated_at"])
        if freed:
            _fill_free_seats(s)
    return reg


def _fill_free_seats(s: Session) -> list[Registration]:
    """Move people up from the waiting list while seats are free (caller holds the session lock)."""
    moved = []
    free = s.capacity - selectors.seats_taken(session=s)
    if free <= 0:
        return moved
    waiting = Registration.objects.select_for_update().filter(session=s, status=Registration.Status.WAITLISTED)
    for reg in waiting.order_by("queued_at", "id")[:free]:
        reg.status = Registration.Status.REGISTERED
        reg.save(update_fields=["status", "updated_at"])
        moved.append(reg)
        enqueue("training.tasks.seat_offered_notify", reg.pk)
    return moved


def _check_when_where(*, starts_at, ends_at, place, online_url) -> None:
    errors = []
    if ends_at <= starts_at:
        errors.append(_("The end must come after the start."))
    if not (place or "").strip() and not (online_url or "").strip():
        errors.append(_("Give a place, an online link, or both."))
    if errors:
        raise ValidationError(errors)


def session_create(*, actor, course, starts_at, ends_at, trainer, capacity, place="", online_url="", district=None):
    if not perm.can_manage_training(actor):
        raise PermissionDenied(_("Only civil-affairs staff may schedule sessions."))
    _check_when_where(starts_at=starts_at, ends_at=ends_at, place=place, online_url=online_url)
    if not holds_role(trainer, Role.TRAINER):
        raise ValidationError(_("The trainer must hold the trainer role."))
    if capacity < 1:
        raise ValidationError(_("A session needs at least one seat."))
    with transaction.atomic():
        return Session.objects.create(course=course, starts_at=starts_at, ends_at=ends_at, trainer=trainer,
                                      capacity=capacity, place=place.strip(), online_url=online_url.strip(),
                                      district=district)


def session_set_capacity(*, actor, session, capacity: int) -> Session:
    if not perm.can_manage_training(actor):
        raise PermissionDenied(_("Only civil-affairs staff may change a session."))
    if capacity < 1:
        raise ValidationError(_("A session needs at least one seat."))
    with transaction.atomic():
        s = _locked_session(session)
        s.capacity = capacity
        s.save(update_fields=["capacity"])
        _fill_free_seats(s)
    return s


# -- attendance and cards ---------------------------------------------------------------------

def parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the hours as a number, for example 1.5.")) from None
    if not hours.is_finite() or hours < 0:
        raise ValidationError(_("Hours cannot be negative."))
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError(_("Hours are recorded in steps of 0.1."))
    return hours


def attendance_record(*, actor, session, user, hours, reason: str = "") -> Attendance:
    """Credit `hours` for `user` in `session`; a change to recorded hours is a correction and needs a reason.

    Cards follow in the same transaction (see `_cards_sync`).
    """
    if not perm.can_record_attendance(session, actor):
        raise PermissionDenied(_("Only the session's trainer may record attendance."))
    hours = parse_hours(hours)
    reason = (reason or "").strip()
    User = get_user_model()
    with transaction.atomic():
        # Lock the holder first: every attendance save for one person runs one at a time, so the
        # hour total below includes the other save and a card is issued once.
        holder = User.objects.select_for_update().get(pk=user.pk)
        s = Session.objects.select_related("course").get(pk=session.pk)
        if s.is_cancelled:
            raise ValidationError(_("This session has been cancelled."))
        if s.starts_at > timezone.now():
            raise ValidationError(_("Attendance can be recorded once the session has started."))
        if hours > s.course.hours:
            raise ValidationError(
                _("At most %(max)s hours can be credited for this course.") % {"max": s.course.hours}
            )
        att = Attendance.objects.select_for_update().filter(session=s, user=holder).first()
        if att is not None and att.hours == hours:
            return att
        if att is not None and not reason:
            raise ValidationError(
                _("%(name)s already has %(old)s hours; give a reason for the correction.")
                % {"name": holder, "old": att.hours}
            )
        if att is None:
            att = Attendance(session=s, user=holder)
        att.hours, att.recorded_by = hours, actor
        att._history_user = actor
        att._change_reason = reason or _("Recorded at check-in")
        att.save()
        _cards_sync(holder=holder, actor=actor)
    return att


def _new_code() -> str:
    # 80 random bits, base32: readable aloud and safe in a URL.
    return base64.b32encode(secrets.token_bytes(10)).decode()


def _cards_sync(*, holder, actor, notify: bool = True) -> list[CitizenCard]:
    """Make the holder's cards match their hours (caller holds the lock on the holder row).

    Reached levels get a card (or an auto-revoked one back); levels no longer reached after a
    correction are revoked with a stated reason. Staff revocations stay.
    """
    total = selectors.qualifying_hours(user=holder)
    cards = {c.level: c for c in CitizenCard.objects.select_for_update().filter(holder=holder)}
    issued = []
    for level in LEVEL_ORDER:
        card = cards.get(level)
        if total >= THRESHOLDS[level]:
            if card is None:
                try:
                    with transaction.atomic():
                        card = CitizenCard.objects.create(
                            number=f"369-{_LEVEL_LETTER[level]}-{holder.pk:08d}", holder=holder, level=level,
                            issued_on=timezone.localdate(), hours_at_issue=total, verification_code=_new_code(),
                        )
                except IntegrityError:  # the unique constraint is the last line of defence
                    continue
                issued.append(card)
                if notify:
                    enqueue("training.tasks.card_issued_notify", card.pk)
            elif card.revoked_kind == CitizenCard.RevokedKind.CORRECTION:
                card.revoked_at, card.revoked_kind, card.revoked_by, card.revoke_reason = None, "", None, ""
                card._history_user = actor
                card._change_reason = _("Reinstated: hours reached the threshold again")
                card.save()
        elif card is not None and card.is_valid:
            card.revoked_at, card.revoked_by = timezone.now(), actor
            card.revoked_kind = CitizenCard.RevokedKind.CORRECTION
            card.revoke_reason = _("Attendance was corrected to %(hours)s hours, below the %(threshold)s needed.") % {
                "hours": total, "threshold": THRESHOLDS[level],
            }
            card._history_user = actor
            card._change_reason = card.revoke_reason
            card.save()
    return issued


def cards_sync_quietly(*, holders, actor) -> int:
    """Bring cards in line with hours for many people without notifying them (demo data, imports)."""
    User = get_user_model()
    issued = 0
    with transaction.atomic():
        for holder in User.objects.select_for_update().filter(pk__in=[h.pk for h in holders]).order_by("pk"):
            issued += len(_cards_sync(holder=holder, actor=actor, notify=False))
    return issued


def card_revoke(*, actor, card, reason: str) -> CitizenCard:
    if not perm.can_revoke_card(actor):
        raise PermissionDenied(_("Only civil-affairs staff may revoke a citizen card."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason for revoking the card."))
    with transaction.atomic():
        c = CitizenCard.objects.select_for_update().get(pk=card.pk)
        if c.revoked_kind == CitizenCard.RevokedKind.STAFF:
            raise ValidationError(_("This card has already been revoked."))
        c.revoked_at, c.revoked_kind, c.revoked_by, c.revoke_reason = (
            timezone.now(), CitizenCard.RevokedKind.STAFF, actor, reason,
        )
        c._history_user = actor
        c._change_reason = reason
        c.save()
    return c


# -- consultation desk ------------------------------------------------------------------------

def consultation_slot_create(*, actor, district, starts_at, ends_at, place="", online_url="") -> ConsultationSlot:
    if not perm.can_manage_consultation_slots(district.pk, actor):
        raise PermissionDenied(_("Only the district office may open consultation slots for its district."))
    _check_when_where(starts_at=starts_at, ends_at=ends_at, place=place, online_url=online_url)
    with transaction.atomic():
        return ConsultationSlot.objects.create(district=district, starts_at=starts_at, ends_at=ends_at,
                                               place=place.strip(), online_url=online_url.strip())


def consultation_book(*, resident, slot, topic: str) -> Consultation:
    if not perm.can_book_consultation(resident):
        raise PermissionDenied(_("Please log in to book a consultation."))
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError(_("Tell us briefly what you would like help with."))
    with transaction.atomic():
        s = ConsultationSlot.objects.select_for_update().get(pk=slot.pk)
        if s.starts_at <= timezone.now():
            raise ValidationError(_("This slot has already started."))
        if s.consultations.exclude(status=Consultation.Status.CANCELLED).exists():
            raise ValidationError(_("Sorry, this slot has just been booked by someone else."))
        return Consultation.objects.create(slot=s, resident=resident, topic=topic)


def consultation_cancel(*, resident, consultation) -> Consultation:
    with transaction.atomic():
        c = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if c.resident_id != resident.pk:
            raise PermissionDenied(_("This is not your booking."))
        if c.status != Consultation.Status.BOOKED:
            raise ValidationError(_("Only a booked consultation can be cancelled."))
        c.status = Consultation.Status.CANCELLED
        c.save(update_fields=["status"])
    return c


def consultation_record_advice(*, actor, consultation, advice: str) -> Consultation:
    if not perm.can_run_consultation(consultation, actor):
        raise PermissionDenied(_("Only the district office that holds the consultation may record advice."))
    advice = (advice or "").strip()
    if not advice:
        raise ValidationError(_("Write down the advice given."))
    with transaction.atomic():
        c = Consultation.objects.select_for_update().select_related("slot").get(pk=consultation.pk)
        if c.status == Consultation.Status.CANCELLED:
            raise ValidationError(_("This booking was cancelled."))
        c.advice, c.advised_by, c.advised_at, c.status = advice, actor, timezone.now(), Consultation.Status.DONE
        c.save(update_fields=["advice", "advised_by", "advised_at", "status"])
    return c


def consultation_start_proposal(*, actor, consultation, cycle, title, problem, solution, category, location="",
                                village=None, point_lon=None, point_lat=None):
    """Start a draft proposal with the resident as proposer (the desk helps write the plan). The village may
    wait: the draft needs it when the district office raises it."""
    from proposals.services import proposal_create

    with transaction.atomic():
        c = Consultation.objects.select_for_update().select_related("slot", "resident").get(pk=consultation.pk)
        if not perm.can_start_proposal_from_consultation(c, actor):
            if c.proposal_id:
                raise ValidationError(_("A draft proposal has already been started from this consultation."))
            raise PermissionDenied(_("Only the district office that holds the consultation may start a proposal."))
        if c.status == Consultation.Status.CANCELLED:
            raise ValidationError(_("This booking was cancelled."))
        proposal = proposal_create(
            actor=actor, cycle=cycle, district=c.slot.district, title=title, problem=problem, solution=solution,
            category=category, location=location, proposers=[c.resident], as_draft=True, authorised=True,
            village=village, point_lon=point_lon, point_lat=point_lat,
        )
        c.proposal = proposal
        c.save(update_fields=["proposal"])
    return proposal
