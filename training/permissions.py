"""Who qualifies for what, by citizen card, and who may run the training desk.

Other apps (assemblies, deliberation) call these; nothing else decides qualifications.
Card predicates read the database each call (no caching) so a card issued or revoked a moment
ago counts at once. For whole pools at a time use `training.selectors.card_pool`.
"""
from pbcity.permissions import acts_as
from pbcity.roles import Role

from .models.cards import LEVEL_ORDER, CardLevel, level_rank


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.pk is not None


def card_level(user) -> str | None:
    """The highest valid (non-revoked) card the user holds: "basic", "advanced", "deliberation" or None."""
    if not _authenticated(user):
        return None
    from .models import CitizenCard

    levels = set(CitizenCard.objects.filter(holder=user, revoked_at__isnull=True).values_list("level", flat=True))
    for level in reversed(LEVEL_ORDER):
        if level in levels:
            return str(level)
    return None


def holds_card(user, level) -> bool:
    """Holds a valid card at `level` or higher."""
    current = card_level(user)
    return current is not None and level_rank(current) >= level_rank(CardLevel(level))


# -- qualifications granted by the deliberation card (seed, chapter 7) -----------------

def may_host(user) -> bool:
    return holds_card(user, CardLevel.DELIBERATION)


def may_vice_host(user) -> bool:
    return holds_card(user, CardLevel.DELIBERATION)


def may_lead_table(user) -> bool:
    return holds_card(user, CardLevel.DELIBERATION)


def may_record(user) -> bool:
    return holds_card(user, CardLevel.DELIBERATION)


# -- review-panel pools (see docs/decisions.md, "Training") ------------------------------

def in_basic_pool(user) -> bool:
    """Drawn for the 5 basic-card seats: the highest valid card is exactly basic."""
    return card_level(user) == CardLevel.BASIC


def in_advanced_pool(user) -> bool:
    """Drawn for the 2 advanced-card seats: the highest valid card is exactly advanced."""
    return card_level(user) == CardLevel.ADVANCED


# -- staff and residents at the training desk -------------------------------------------

def can_manage_training(user) -> bool:
    """Create courses and sessions, see every card: civil-affairs staff (with MFA)."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


def is_trainer(user) -> bool:
    return acts_as(user, Role.TRAINER)


def can_record_attendance(session, user) -> bool:
    """Only the session's own trainer, acting as trainer with MFA."""
    return _authenticated(user) and session.trainer_id == user.pk and acts_as(user, Role.TRAINER)


def can_view_checkin(session, user) -> bool:
    return can_record_attendance(session, user) or can_manage_training(user)


def can_revoke_card(user) -> bool:
    """Revoking a citizen card is a city-wide decision: civil-affairs staff."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


def can_view_card(card, user) -> bool:
    """The full card (and its PDF): its holder and the staff who may revoke it."""
    return _authenticated(user) and (card.holder_id == user.pk or can_revoke_card(user))


def can_view_figures(user) -> bool:
    """Training figures by level, district and age: civil affairs, the committee and trainers."""
    return acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE) or acts_as(user, Role.TRAINER)


def can_register(session, user) -> bool:
    return _authenticated(user) and not session.is_cancelled


def can_book_consultation(user) -> bool:
    return _authenticated(user)


def can_run_consultation(consultation, user) -> bool:
    """Record the advice: district-office staff of the slot's district."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=consultation.slot.district_id)


def can_start_proposal_from_consultation(consultation, user) -> bool:
    """Start a draft proposal with the resident as proposer: the same district office, once per booking."""
    return can_run_consultation(consultation, user) and consultation.proposal_id is None


def can_manage_consultation_slots(district_id, user) -> bool:
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district_id)


def can_manage_experts(user) -> bool:
    return acts_as(user, Role.CIVIL_AFFAIRS)


def can_view_expert_contact(user) -> bool:
    """Contact details are for staff who invite experts to workshops."""
    return acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE) or any(
        acts_as(user, r) for r in (Role.DISTRICT_OFFICE, Role.AGENCY)
    )
