"""Issue 15, item 4: hours and cards forged by the runtime role are named by audit_verify.

Each forgery is plain SQL on the runtime role's connection; the "consistent" ones also write the
history record and its chain entry as the application would (pbcity/tests/forgery.py), so only the
invariants of training/audit_checks.py can tell.
"""

import pytest
from django.utils import timezone

from pbcity.dbroles import owner_credentials
from pbcity.roles import Role
from pbcity.tests import forgery
from pbcity.tests.factories import UserFactory, staff
from pbcity.tests.forgery import verify
from training import services
from training.models import Attendance, CitizenCard
from training.tests.factories import attended

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")]




def test_genuine_attendance_corrections_and_revocations_verify():
    user = UserFactory()
    session = attended(user, 3, course_hours=6)
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=6, reason="補登")
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=2, reason="更正")
    other = UserFactory()
    attended(other, 9)
    services.card_revoke(actor=staff(Role.CIVIL_AFFAIRS), card=CitizenCard.objects.get(holder=other, level="basic"),
                         reason="冒名上課")
    ok, out = verify()
    assert ok, out


def test_nine_hours_added_in_sql_are_named():
    user = UserFactory()
    session = attended(user, 3)
    att = Attendance.objects.get(session=session, user=user)
    forgery.sql("UPDATE training_attendance SET hours = hours + 9 WHERE id = %s", [att.pk])
    ok, out = verify()
    assert not ok
    assert (f"INVARIANT training.attendance_matches_history: training.attendance:{att.pk} — attendance {att.pk} "
            "hours is 12.0 but its history says 3.0") in out
    assert "training.cards_follow_attendance" not in out  # no card changed yet


def test_nine_hours_with_a_forged_history_record_and_an_upgraded_card_are_named():
    user = UserFactory()
    session = attended(user, 3)
    att = Attendance.objects.get(session=session, user=user)
    basic = CitizenCard.objects.get(holder=user)
    forgery.sql("UPDATE training_attendance SET hours = 12 WHERE id = %s", [att.pk])
    forgery.seal(Attendance.history.model, forgery.history_copy(Attendance, att.pk, hours=12))
    forgery.sql("UPDATE training_citizencard SET level = 'deliberation' WHERE id = %s", [basic.pk])
    forgery.seal(CitizenCard.history.model, forgery.history_copy(CitizenCard, basic.pk, level="deliberation"))
    ok, out = verify()
    assert not ok
    assert f"attendance {att.pk}: 12.0 hours credited for a course of 3.0" in out
    # The card follows the forged hours, so only the attendance check names this one; without the
    # forged hours the card is named too:
    forgery.sql("UPDATE training_attendance SET hours = 3 WHERE id = %s", [att.pk])
    ok, out = verify()
    assert (f"INVARIANT training.cards_follow_attendance: training.citizencard:{basic.pk} — a valid deliberation "
            f"card for user {user.pk}, who attended 3.0 hours (9 needed)") in out


def test_an_un_revoked_card_is_named_even_with_a_forged_history_record():
    user = UserFactory()
    attended(user, 3)
    card = CitizenCard.objects.get(holder=user)
    services.card_revoke(actor=staff(Role.CIVIL_AFFAIRS), card=card, reason="冒名上課")
    clear = "UPDATE training_citizencard SET revoked_at = NULL, revoked_kind = '', revoke_reason = '', " \
            "revoked_by_id = NULL WHERE id = %s"
    forgery.sql(clear, [card.pk])
    ok, out = verify()
    assert not ok
    assert f"training.cards_match_history: training.citizencard:{card.pk} — citizen card {card.pk} revoked_at is " \
           "None but its history says" in out
    forgery.seal(CitizenCard.history.model, forgery.history_copy(
        CitizenCard, card.pk, revoked_at=None, revoked_kind="", revoke_reason="", revoked_by_id=None))
    ok, out = verify()
    assert not ok
    assert f"training.citizencard:{card.pk} — the card was revoked by staff and is valid again" in out


def test_attendance_recorded_in_the_name_of_a_non_trainer_is_named():
    user, impostor = UserFactory(), UserFactory()
    session = attended(user, 1, course_hours=3)
    att = Attendance.objects.get(session=session, user=user)
    forgery.sql("UPDATE training_attendance SET hours = 3, recorded_by_id = %s WHERE id = %s", [impostor.pk, att.pk])
    h = forgery.history_copy(Attendance, att.pk, hours=3, recorded_by_id=impostor.pk, history_date=timezone.now())
    forgery.seal(Attendance.history.model, h)
    ok, out = verify()
    assert not ok
    assert f"training.historicalattendance:{h} — attendance {att.pk} was recorded by user {impostor.pk}, " \
           "not a trainer then" in out
