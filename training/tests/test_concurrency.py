"""Exactly-once card issuing when two attendance saves for one person race (real PostgreSQL, threads)."""
from decimal import Decimal

import pytest
from django.db import connection

from pbcity.tests.factories import UserFactory
from pbcity.tests.race import race
from training import services
from training.models import CitizenCard, Registration
from training.tests.factories import CourseFactory, SessionFactory


def _run_together(funcs):
    return [o for o in race(lambda fn: fn(), funcs) if isinstance(o, Exception)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_attendance_saves_at_once_issue_each_card_once(round_):
    assert connection.vendor == "postgresql"
    user = UserFactory()
    sessions = [SessionFactory(course=CourseFactory(hours=Decimal("4.5"))) for _ in range(2)]
    errors = _run_together([
        lambda s=s: services.attendance_record(actor=s.trainer, session=s, user=user, hours="4.5") for s in sessions
    ])
    assert errors == []
    # 9 h in total: the second save must have seen the first and issued the rest.
    levels = sorted(CitizenCard.objects.filter(holder=user).values_list("level", flat=True))
    assert levels == ["advanced", "basic", "deliberation"]


@pytest.mark.django_db(transaction=True)
def test_many_saves_for_one_session_keep_one_card():
    user = UserFactory()
    session = SessionFactory(course=CourseFactory(hours=3))
    errors = _run_together([
        lambda: services.attendance_record(actor=session.trainer, session=session, user=user, hours=3)
        for _ in range(6)
    ])
    assert errors == []
    assert CitizenCard.objects.filter(holder=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_last_seat_goes_to_one_of_two_racing_residents():
    session = SessionFactory(capacity=1)
    people = [UserFactory() for _ in range(4)]
    errors = _run_together([lambda u=u: services.session_register(session=session, user=u) for u in people])
    assert errors == []
    statuses = sorted(Registration.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == ["registered", "waitlisted", "waitlisted", "waitlisted"]


@pytest.mark.django_db(transaction=True)
def test_one_consultation_slot_one_booking_under_a_race():
    import datetime

    from django.utils import timezone

    from pbcity.tests.factories import DistrictFactory
    from training.models import Consultation, ConsultationSlot

    start = timezone.now() + datetime.timedelta(days=1)
    slot = ConsultationSlot.objects.create(district=DistrictFactory(), starts_at=start,
                                           ends_at=start + datetime.timedelta(hours=1), place="區公所")
    people = [UserFactory() for _ in range(4)]
    errors = _run_together([lambda u=u: services.consultation_book(resident=u, slot=slot, topic="想提案")
                            for u in people])
    assert len(errors) == 3 and Consultation.objects.filter(slot=slot).count() == 1
