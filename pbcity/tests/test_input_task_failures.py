"""Background tasks retry with backoff and a final failure is visible to staff, never silent (issue 7, item 3)."""
import pytest
from celery.signals import task_failure
from django.core import mail
from django.core.exceptions import PermissionDenied

from pbcity import services
from pbcity.models import Notification, TaskFailure
from pbcity.roles import Role
from pbcity.tasks import RETRY_POLICY, enqueue_isolated, notification_send
from pbcity.tests.factories import UserFactory, staff


def test_tasks_retry_any_error_with_backoff():
    from proposals.tasks import transition_notify
    from training.tasks import card_issued_notify, seat_offered_notify

    for task in (notification_send, transition_notify, card_issued_notify, seat_offered_notify):
        assert task.autoretry_for == (Exception,), task.name
        assert task.retry_backoff and task.max_retries >= 5 and task.retry_jitter, task.name


@pytest.mark.django_db
def test_worker_signal_records_a_final_failure_once():
    for _ in range(2):  # an eager retry chain reports under one id
        task_failure.send(sender=notification_send, task_id="abc-123", exception=ConnectionRefusedError("smtp down"),
                          args=(7, "k", "s", "b"), kwargs={}, einfo=None)
    failure = TaskFailure.objects.get()
    assert failure.task_name == "pbcity.tasks.notification_send" and failure.task_id == "abc-123"
    assert failure.error == "ConnectionRefusedError: smtp down" and "(7, 'k', 's', 'b')" in failure.arguments


@pytest.mark.django_db
def test_eager_failure_is_recorded_and_does_not_reach_the_caller(monkeypatch):
    user = UserFactory(email="a@example.tw")

    def refuse(**kwargs):
        raise ConnectionRefusedError("database replica down")

    # (A refused e-mail no longer fails the task: it waits in the mail outbox, pbcity/tests/test_mail_outbox.py.)
    monkeypatch.setattr("pbcity.tasks.notification_deliver", refuse)
    assert enqueue_isolated(notification_send, user.pk, "k1", "主旨", "內容", "/x/") is False
    assert "ConnectionRefusedError: database replica down" in TaskFailure.objects.get().error
    assert not Notification.objects.filter(recipient=user).exists()
    monkeypatch.undo()
    assert enqueue_isolated("pbcity.tasks.notification_send", user.pk, "k1", "主旨", "內容", "/x/") is True
    note = Notification.objects.get(recipient=user, key="k1")
    assert note.emailed_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db
def test_subject_is_one_line_that_fits():
    user = UserFactory(email="b@example.tw")
    note = services.notification_deliver(recipient=user, key="k", subject="提案「甲\r\nBcc: x@evil.tw」" + "長" * 300,
                                         body="第一行\n第二行")
    assert "\n" not in note.subject and "\r" not in note.subject and len(note.subject) == 200
    assert mail.outbox[0].subject == note.subject and mail.outbox[0].to == ["b@example.tw"]
    assert mail.outbox[0].body.startswith("第一行\n第二行")


@pytest.mark.django_db
def test_staff_see_open_failures_on_their_queue_and_resolve_them(client, district):
    failure = services.task_failure_record(task_name="pbcity.tasks.notification_send", task_id="t-1",
                                           arguments="()", error="ConnectionRefusedError: smtp down")
    admin = staff(Role.DISTRICT_OFFICE, district=district)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    html = client.get("/proposals/queue/").content.decode()
    assert "有 1 項背景工作失敗，請查看。" in html and "/admin/pbcity/taskfailure/" in html
    officer = staff(Role.DISTRICT_OFFICE, district=district)
    client.force_login(officer)
    assert "背景工作失敗" not in client.get("/proposals/queue/").content.decode()
    with pytest.raises(PermissionDenied):
        services.task_failure_resolve(failure_ids=[failure.pk], actor=officer)
    no_mfa = staff(Role.CIVIL_AFFAIRS, mfa=False)
    no_mfa.is_staff = True
    with pytest.raises(PermissionDenied):
        services.task_failure_resolve(failure_ids=[failure.pk], actor=no_mfa)
    assert services.task_failure_resolve(failure_ids=[failure.pk], actor=admin) == 1
    failure.refresh_from_db()
    assert failure.resolved_by == admin and failure.resolved_at is not None
    client.force_login(admin)
    assert "背景工作失敗" not in client.get("/proposals/queue/").content.decode()


@pytest.mark.django_db
def test_staff_without_mfa_may_open_card_verification_but_nothing_else(client):
    client.force_login(staff(Role.CIVIL_AFFAIRS, mfa=False))
    assert client.get("/training/verify/").status_code == 200
    assert client.get("/training/verify/NOSUCHCODE/").status_code in (200, 404)
    assert client.get("/proposals/queue/").status_code == 302
    assert client.get("/verify/").status_code in (302, 404)


def test_retry_policy_does_not_retry_a_missing_row():
    from django.core.exceptions import ObjectDoesNotExist

    assert RETRY_POLICY["dont_autoretry_for"] == (ObjectDoesNotExist,)
