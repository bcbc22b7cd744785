"""Thresholds, corrections and revocation of citizen cards."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from training import permissions as perm
from training import services
from training.models import Attendance, CitizenCard
from training.tests.factories import CourseFactory, SessionFactory, attended, card_holder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "hours, expected",
    [("2.5", None), ("2.9", None), ("3", "basic"), ("5.9", "basic"), ("6", "advanced"), ("8.9", "advanced"),
     ("9", "deliberation"), ("12", "deliberation")],
)
def test_threshold_edges(hours, expected):
    user = UserFactory()
    attended(user, hours)
    assert perm.card_level(user) == expected


def test_hours_add_up_across_sessions_and_each_level_gets_one_card():
    user = UserFactory()
    for _ in range(3):
        attended(user, "1.5")
    assert perm.card_level(user) is None or perm.card_level(user) == "basic"
    assert perm.card_level(user) == "basic"  # 4.5 h
    attended(user, "1.5")
    assert perm.card_level(user) == "advanced"  # 6 h
    attended(user, 3)
    levels = sorted(CitizenCard.objects.filter(holder=user).values_list("level", flat=True))
    assert levels == ["advanced", "basic", "deliberation"]
    card = CitizenCard.objects.get(holder=user, level="deliberation")
    assert card.number == f"369-D-{user.pk:08d}" and len(card.verification_code) == 16
    assert card.hours_at_issue == Decimal("9")


def test_hours_of_non_counting_course_do_not_count():
    user = UserFactory()
    course = CourseFactory(kind="civil_servant", counts_toward_cards=False, hours=6)
    session = SessionFactory(course=course)
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=6)
    assert perm.card_level(user) is None


def test_recording_same_hours_twice_is_a_no_op():
    user = UserFactory()
    session = attended(user, 3)
    services.attendance_record(actor=session.trainer, session=session, user=user, hours="3.0")
    assert Attendance.history.filter(user=user).count() == 1


def test_correction_needs_reason_and_is_kept_in_history():
    user = UserFactory(name="林小華")
    session = attended(user, 3)
    with pytest.raises(ValidationError, match="已登錄 3.0 小時；更正時請填寫理由"):
        services.attendance_record(actor=session.trainer, session=session, user=user, hours=2)
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=2, reason="提早離席")
    history = list(Attendance.history.filter(user=user).order_by("history_date"))
    assert [h.hours for h in history] == [Decimal("3"), Decimal("2")]
    assert history[-1].history_change_reason == "提早離席"
    assert history[-1].history_user == session.trainer
    # The basic card was issued on 3 h and is revoked automatically at 2 h, with its reason.
    card = CitizenCard.objects.get(holder=user, level="basic")
    assert card.revoked_kind == "correction" and "2" in card.revoke_reason
    assert perm.card_level(user) is None
    # Back up to 3 h: the same card comes back.
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=3, reason="補登")
    card.refresh_from_db()
    assert card.is_valid and perm.card_level(user) == "basic"
    assert CitizenCard.objects.filter(holder=user).count() == 1


@pytest.mark.parametrize("bad, message", [
    ("-1", "時數不可為負數"), ("abc", "請以數字輸入時數"), ("3.25", r"時數以 0\.1 小時為單位登錄"),
    ("nan", "時數不可為負數"), ("4", "本課程最多認列 3(\\.0)? 小時"),
])
def test_bad_hours_are_refused(bad, message):
    user = UserFactory()
    session = SessionFactory(course=CourseFactory(hours=3))
    with pytest.raises(ValidationError, match=message):
        services.attendance_record(actor=session.trainer, session=session, user=user, hours=bad)
    assert not Attendance.objects.exists()


def test_only_the_sessions_trainer_with_mfa_records():
    user = UserFactory()
    session = SessionFactory()
    other_trainer = staff(Role.TRAINER)
    no_mfa = staff(Role.TRAINER, mfa=False)
    session_no_mfa = SessionFactory(trainer=no_mfa)
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=other_trainer, session=session, user=user, hours=1)
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=no_mfa, session=session_no_mfa, user=user, hours=1)
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=staff(Role.CIVIL_AFFAIRS), session=session, user=user, hours=1)


def test_revocation_by_civil_affairs_is_final(civil_staff):
    user = card_holder("advanced")
    card = CitizenCard.objects.get(holder=user, level="advanced")
    with pytest.raises(ValidationError, match="請填寫撤銷理由"):
        services.card_revoke(actor=civil_staff, card=card, reason="  ")
    with pytest.raises(PermissionDenied):
        services.card_revoke(actor=staff(Role.TRAINER), card=card, reason="冒名")
    services.card_revoke(actor=civil_staff, card=card, reason="冒名上課")
    assert perm.card_level(user) == "basic"
    assert perm.in_basic_pool(user) and not perm.in_advanced_pool(user)
    attended(user, 1)  # more hours never bring a staff-revoked card back
    card.refresh_from_db()
    assert not card.is_valid and card.revoked_kind == "staff" and card.revoked_by == civil_staff
    with pytest.raises(ValidationError, match="此卡已經撤銷"):
        services.card_revoke(actor=civil_staff, card=card, reason="again")


def test_new_card_lands_in_the_holders_inbox_once(django_capture_on_commit_callbacks):
    from pbcity.models import Notification

    user = UserFactory(name="蔡宗翰")
    with django_capture_on_commit_callbacks(execute=True):
        session = attended(user, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(actor=session.trainer, session=session, user=user, hours=2, reason="更正")
        services.attendance_record(actor=session.trainer, session=session, user=user, hours=3, reason="再更正")
    notes = Notification.objects.filter(recipient=user)
    assert notes.count() == 1 and "初階市民卡" in notes.get().subject
