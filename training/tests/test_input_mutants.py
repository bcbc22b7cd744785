"""Tests written for mutants that survived the mutation run (docs/mutation.md)."""
import pytest

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from training import permissions as perm
from training.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_check_in_page_is_for_the_sessions_trainer_or_civil_affairs():
    """Either one suffices (`or`, not `and`): the trainer is not civil affairs, and civil affairs is not the trainer."""
    session = SessionFactory()
    assert perm.can_view_checkin(session, session.trainer)
    assert perm.can_view_checkin(session, staff(Role.CIVIL_AFFAIRS))
    assert not perm.can_view_checkin(session, staff(Role.TRAINER))  # another session's trainer
    assert not perm.can_view_checkin(session, staff(Role.CIVIL_AFFAIRS, mfa=False))
    assert not perm.can_view_checkin(session, UserFactory())


def test_a_card_is_seen_by_its_holder_and_civil_affairs_only():
    from django.contrib.auth.models import AnonymousUser

    from training.tests.factories import card_holder

    holder = card_holder()
    card = holder.citizen_cards.first()
    assert perm.can_view_card(card, holder)
    assert perm.can_view_card(card, staff(Role.CIVIL_AFFAIRS))
    for other in (UserFactory(), card_holder(), staff(Role.TRAINER), staff(Role.CIVIL_AFFAIRS, mfa=False),
                  AnonymousUser()):
        assert not perm.can_view_card(card, other), other


def test_registration_is_open_to_signed_in_people_for_sessions_not_cancelled():
    from django.contrib.auth.models import AnonymousUser

    session, cancelled = SessionFactory(), SessionFactory(is_cancelled=True)
    user = UserFactory()
    assert perm.can_register(session, user)
    assert not perm.can_register(cancelled, user)
    assert not perm.can_register(session, AnonymousUser())


def test_a_draft_is_started_once_per_booking_by_that_districts_office(district, other_district):
    from types import SimpleNamespace

    office = staff(Role.DISTRICT_OFFICE, district=district)
    booking = SimpleNamespace(slot=SimpleNamespace(district_id=district.pk), proposal_id=None)
    assert perm.can_start_proposal_from_consultation(booking, office)
    assert not perm.can_start_proposal_from_consultation(SimpleNamespace(slot=booking.slot, proposal_id=7), office)
    assert not perm.can_start_proposal_from_consultation(booking, staff(Role.DISTRICT_OFFICE, district=other_district))
    assert not perm.can_start_proposal_from_consultation(booking, UserFactory())


def test_expert_contacts_are_for_staff_who_invite_experts(district, agency):
    for user in (staff(Role.CIVIL_AFFAIRS), staff(Role.COMMITTEE), staff(Role.DISTRICT_OFFICE, district=district),
                 staff(Role.AGENCY, agency=agency)):
        assert perm.can_view_expert_contact(user), user
    for user in (UserFactory(), staff(Role.TRAINER), staff(Role.DISTRICT_OFFICE, district=district, mfa=False)):
        assert not perm.can_view_expert_contact(user), user
