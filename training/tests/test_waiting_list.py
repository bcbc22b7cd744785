import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pbcity.tests.factories import UserFactory
from training import selectors, services
from training.models import Registration
from training.tests.factories import SessionFactory, attended

pytestmark = pytest.mark.django_db


def test_full_session_waitlists_and_moves_up_in_order(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=2)
    a, b, c, d = (UserFactory() for _ in range(4))
    for u in (a, b, c, d):
        services.session_register(session=session, user=u)
    status = lambda u: Registration.objects.get(session=session, user=u).status  # noqa: E731
    assert [status(u) for u in (a, b, c, d)] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert selectors.waiting_position(registration=Registration.objects.get(user=d)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel_registration(session=session, user=a)
    assert status(c) == "registered" and status(d) == "waitlisted"
    assert selectors.waiting_position(registration=Registration.objects.get(user=d)) == 1
    assert any(c.email in m.to for m in mail.outbox)
    # Leaving the waiting list frees nothing.
    services.session_cancel_registration(session=session, user=d)
    assert selectors.seats_taken(session=session) == 2


def test_re_registering_after_cancel_goes_to_the_back():
    session = SessionFactory(capacity=1)
    a, b = UserFactory(), UserFactory()
    services.session_register(session=session, user=a)
    services.session_register(session=session, user=b)
    services.session_cancel_registration(session=session, user=a)
    reg = services.session_register(session=session, user=a)
    assert reg.status == "waitlisted"
    assert Registration.objects.get(user=b).status == "registered"


def test_double_registration_and_closed_sessions_are_refused():
    session = SessionFactory()
    user = UserFactory()
    services.session_register(session=session, user=user)
    with pytest.raises(ValidationError, match="您已經報名本場次"):
        services.session_register(session=session, user=user)
    past = SessionFactory(starts_at=timezone.now() - datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="本場次已結束，報名已截止"):
        services.session_register(session=past, user=user)
    cancelled = SessionFactory(is_cancelled=True)
    with pytest.raises(ValidationError, match="本場次已取消"):
        services.session_register(session=cancelled, user=user)


def test_attended_registration_cannot_be_cancelled():
    user = UserFactory()
    session = SessionFactory()
    services.session_register(session=session, user=user)
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=1)
    with pytest.raises(ValidationError, match="您的出席已登錄，無法再取消報名"):
        services.session_cancel_registration(session=session, user=user)


def test_raising_capacity_moves_people_up(civil_staff):
    session = SessionFactory(capacity=1)
    a, b = UserFactory(), UserFactory()
    services.session_register(session=session, user=a)
    services.session_register(session=session, user=b)
    services.session_set_capacity(actor=civil_staff, session=session, capacity=2)
    assert Registration.objects.get(user=b).status == "registered"


def test_upcoming_for_lists_active_registrations():
    user = UserFactory()
    s = SessionFactory()
    services.session_register(session=s, user=user)
    attended(user, 1)
    assert [r.session for r in selectors.upcoming_for(user=user)] == [s]
