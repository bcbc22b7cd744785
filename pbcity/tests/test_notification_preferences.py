"""Each person chooses per kind: inbox only, an e-mail at once, or the daily digest (exactly once a day)."""
import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import translation

from pbcity import services
from pbcity.models import Notification, NotificationDigest, NotificationPreference
from pbcity.tasks import notification_digests_start, notification_send
from pbcity.tests.factories import UserFactory

DAY = datetime.date(2026, 12, 3)


def _deliver(user, key, kind="proposal", topic="proposal:1", subject="提案進度"):
    return services.notification_deliver(recipient=user, key=key, subject=subject, body="內容", url="/p/1/",
                                         kind=kind, topic=topic)


@pytest.mark.django_db
@pytest.mark.parametrize(("delivery", "mails_now"), [("in_app", 0), ("immediate", 1), ("digest", 0)])
def test_each_choice_decides_the_mail_now(resident, delivery, mails_now):
    services.notification_preference_set(user=resident, kind="proposal", delivery=delivery)
    mail.outbox.clear()
    note = _deliver(resident, "k1")
    assert len(mail.outbox) == mails_now
    assert note.delivery == delivery and Notification.objects.filter(recipient=resident).count() == 1
    # Another kind keeps its own way (no choice: an e-mail at once).
    _deliver(resident, "k2", kind="project", topic="project:1")
    assert len(mail.outbox) == mails_now + 1


@pytest.mark.django_db
@pytest.mark.parametrize(("delivery", "in_digest"), [("in_app", False), ("immediate", False), ("digest", True)])
def test_only_digest_readers_get_the_digest(resident, delivery, in_digest):
    services.notification_preference_set(user=resident, kind="proposal", delivery=delivery)
    _deliver(resident, "k1", subject="您追蹤的提案已進入審議")
    mail.outbox.clear()
    notification_digests_start.apply(args=[DAY.isoformat()])
    assert len(mail.outbox) == int(in_digest)
    if in_digest:
        assert mail.outbox[0].to == [resident.email]
        assert "您追蹤的提案已進入審議" in mail.outbox[0].body and "http" in mail.outbox[0].body
        assert Notification.objects.get(recipient=resident).digest.day == DAY


@pytest.mark.django_db
def test_a_digest_gathers_everything_since_the_last_one_once(resident):
    services.notification_preference_set(user=resident, kind="proposal", delivery="digest")
    services.notification_preference_set(user=resident, kind="round", delivery="digest")
    _deliver(resident, "a", subject="第一則")
    _deliver(resident, "b", kind="round", topic="round:4", subject="第二則")
    mail.outbox.clear()
    first = services.notification_digest_send(user=resident, day=DAY)
    assert first.items == 2 and len(mail.outbox) == 1
    assert "第一則" in mail.outbox[0].body and "第二則" in mail.outbox[0].body
    # The same day again (beat fired twice): nothing.
    assert services.notification_digest_send(user=resident, day=DAY) is None
    _deliver(resident, "c", subject="第三則")
    notification_digests_start.apply(args=[DAY.isoformat()])
    assert len(mail.outbox) == 1  # the new one waits for tomorrow
    second = services.notification_digest_send(user=resident, day=DAY + datetime.timedelta(days=1))
    assert second.items == 1 and len(mail.outbox) == 2
    assert "第三則" in mail.outbox[1].body and "第一則" not in mail.outbox[1].body


@pytest.mark.django_db
def test_the_digest_speaks_the_recipients_language(resident):
    resident.language = "en"
    resident.save()
    services.notification_preference_set(user=resident, kind="proposal", delivery="digest")
    _deliver(resident, "a")
    mail.outbox.clear()
    services.notification_digest_send(user=resident, day=DAY)
    assert mail.outbox[0].subject == "Your daily digest of 2026-12-03: 1 message"
    assert "Since your last digest" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_digest_in_chinese_by_default(resident):
    services.notification_preference_set(user=resident, kind="proposal", delivery="digest")
    _deliver(resident, "a")
    mail.outbox.clear()
    services.notification_digest_send(user=resident, day=DAY)
    assert "每日摘要" in mail.outbox[0].subject


@pytest.mark.django_db
def test_staff_work_items_stay_immediate(committee_member):
    with pytest.raises(ValidationError, match="always e-mailed at once"), translation.override("en"):
        services.notification_preference_set(user=committee_member, kind="work", delivery="digest")
    # The database refuses it too.
    with pytest.raises(IntegrityError, match="notification_work_immediate"), transaction.atomic():
        NotificationPreference.objects.create(user=committee_member, kind="work", delivery="in_app")
    mail.outbox.clear()
    notification_send.apply(args=[committee_member.pk, "w1", "指定協辦", "內容", "/x/"])
    assert len(mail.outbox) == 1 and Notification.objects.get(key="w1").kind == "work"


@pytest.mark.django_db
def test_unknown_kinds_and_ways_are_refused(resident):
    with pytest.raises(ValidationError, match="請從列出的類別與方式中選擇"):
        services.notification_preference_set(user=resident, kind="proposal", delivery="carrier-pigeon")
    with pytest.raises(ValidationError, match="Choose one of the listed"), translation.override("en"):
        services.notification_preference_set(user=resident, kind="gossip", delivery="digest")


@pytest.mark.django_db
def test_settings_page_saves_choices(client, resident):
    assert client.get("/inbox/settings/").status_code == 302  # anonymous: to the log-in page
    client.force_login(resident)
    page = client.get("/inbox/settings/").content.decode()
    assert 'name="proposal"' in page and 'name="work"' not in page  # work items shown, not offered
    response = client.post("/inbox/settings/", {"proposal": "digest", "project": "in_app", "round": "immediate",
                                                "account": "immediate", "audit": "digest"})
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=resident).values_list("kind", "delivery")) == {
        "proposal": "digest", "project": "in_app", "round": "immediate", "account": "immediate", "audit": "digest"}
    page = client.post("/inbox/settings/", {"proposal": "never"}).content.decode()
    assert 'class="errorlist"' in page
    assert NotificationPreference.objects.get(user=resident, kind="proposal").delivery == "digest"


# -- exactly once per person and day, with two workers at once --------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(monkeypatch):
    user = UserFactory()
    services.notification_preference_set(user=user, kind="proposal", delivery="digest")
    for i in range(3):
        _deliver(user, f"k{i}")
    mail.outbox.clear()
    real_send = services.mail_send_or_keep
    in_send = threading.Event()

    def slow_send(*, message):
        in_send.set()
        threading.Event().wait(0.5)  # hold the first transaction open while the other worker tries
        return real_send(message=message)

    monkeypatch.setattr(services, "mail_send_or_keep", slow_send)
    barrier, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.notification_digest_send(user=user, day=DAY))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert in_send.is_set()
    assert sorted(r is None for r in results) == [False, True]  # one made it, the other found it made
    assert len(mail.outbox) == 1 and NotificationDigest.objects.filter(user=user, day=DAY).count() == 1
    assert Notification.objects.filter(recipient=user, digest__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_beat_firing_twice_sends_one_digest_each():
    people = [UserFactory(), UserFactory()]
    for u in people:
        services.notification_preference_set(user=u, kind="round", delivery="digest")
        _deliver(u, "r1", kind="round", topic="round:1")
    mail.outbox.clear()
    notification_digests_start.apply(args=[DAY.isoformat()])
    notification_digests_start.apply(args=[DAY.isoformat()])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)


@pytest.mark.django_db
def test_migrations_are_complete():
    with override_settings(MIGRATION_MODULES={}):
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
