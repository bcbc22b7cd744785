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
    assert perm.can_view_checkin(session.trainer, session)
    assert perm.can_view_checkin(staff(Role.CIVIL_AFFAIRS), session)
    assert not perm.can_view_checkin(staff(Role.TRAINER), session)  # another session's trainer
    assert not perm.can_view_checkin(staff(Role.CIVIL_AFFAIRS, mfa=False), session)
    assert not perm.can_view_checkin(UserFactory(), session)


def test_a_card_is_seen_by_its_holder_and_civil_affairs_only():
    from django.contrib.auth.models import AnonymousUser

    from training.tests.factories import card_holder

    holder = card_holder()
    card = holder.citizen_cards.first()
    assert perm.can_view_card(holder, card)
    assert perm.can_view_card(staff(Role.CIVIL_AFFAIRS), card)
    for other in (UserFactory(), card_holder(), staff(Role.TRAINER), staff(Role.CIVIL_AFFAIRS, mfa=False),
                  AnonymousUser()):
        assert not perm.can_view_card(other, card), other
