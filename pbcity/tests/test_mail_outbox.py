"""The mail server is down: sign-up, password reset and a notifying action answer as usual, every mail
is kept, and goes out once the server takes mail again — then nothing of it stays (issue 16, item 2)."""
import datetime
import os
import re
import socket
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from pbcity.mailconfig import email_settings
from pbcity.models import Notification, OutboxMessage, OutgoingMail, TaskFailure, User
from pbcity.services import MAIL_ALERT_AFTER, mail_queue
from pbcity.tasks import mail_flush
from pbcity.tests.factories import UserFactory
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed once the socket is: nothing listens there


@pytest.fixture
def smtp_down(settings):
    """The real SMTP backend, pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    mail.outbox.clear()
    return settings


def _smtp_back(settings) -> int:
    """The server takes mail again and the kept mails' next try is due: run the flush (beat does, every 30 s)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    return mail_flush()


@pytest.mark.django_db
def test_sign_up_answers_and_its_mail_goes_out_once_smtp_is_back(client, smtp_down,
                                                                  django_capture_on_commit_callbacks):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("account_signup"), {"email": "new@example.tw", "password1": "a-Long-pass-9137",
                                                    "password2": "a-Long-pass-9137"})
    assert r.status_code == 302 and r.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.tw")
    assert user.language == "en"
    kept = OutgoingMail.objects.get()
    assert kept.recipients == "new@example.tw" and kept.attempts == 1 and "Connection refused" in kept.error
    assert mail.outbox == []

    assert _smtp_back(smtp_down) == 1
    [sent] = mail.outbox
    assert sent.to == ["new@example.tw"] and "/accounts/confirm-email/" in sent.body
    assert not _HAN.search(sent.subject)  # in the language the person signed up in
    assert not OutgoingMail.objects.exists()  # sent: nothing of the message stays


@pytest.mark.django_db
def test_password_reset_answers_alike_for_known_and_unknown_addresses_while_smtp_is_down(
        client, smtp_down, django_capture_on_commit_callbacks):
    UserFactory(email="known@example.tw")  # prefers zh-hant
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    answers = []
    for address in ("known@example.tw", "nobody@example.tw"):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(reverse("account_reset_password"), {"email": address})
        answers.append((r.status_code, r.url))
    assert answers[0] == answers[1] == (302, reverse("account_reset_password_done"))
    assert sorted(OutgoingMail.objects.values_list("recipients", flat=True)) == ["known@example.tw",
                                                                                 "nobody@example.tw"]
    # The reset link waits in the table only until the mail is sent.
    assert any("/accounts/password/reset/key/" in m.message["body"] for m in OutgoingMail.objects.all())

    assert _smtp_back(smtp_down) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"known@example.tw", "nobody@example.tw"}
    assert "/accounts/password/reset/key/" in by_to["known@example.tw"].body
    assert _HAN.search(by_to["known@example.tw"].subject)  # the account's language, not the page's
    assert not _HAN.search(by_to["nobody@example.tw"].subject)  # no account: the page's language
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_a_notifying_action_answers_and_its_mail_is_kept_then_sent(client, smtp_down, district, other_district,
                                                                   cycle, django_capture_on_commit_callbacks):
    cast = Cast(district, other_district)
    proposal = cast.walk(cycle, State.RAISED)
    OutgoingMail.objects.all().delete()  # the walk's own notices
    client.force_login(cast["district"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("proposals:act", args=[proposal.pk]),
                        {"transition": "pass_assembly", "reason": "住民大會過半數支持"})
    assert r.status_code == 302
    note = Notification.objects.get(recipient=cast.proposer, key__startswith="transition:")
    assert note.emailed_at is not None  # handed to the mail outbox, which keeps it
    kept = OutgoingMail.objects.get()
    assert kept.recipients == cast.proposer.email and not TaskFailure.objects.exists()

    assert _smtp_back(smtp_down) == 1
    assert [m.to for m in mail.outbox] == [[cast.proposer.email]] and note.subject == mail.outbox[0].subject
    assert _smtp_back(smtp_down) == 0 and len(mail.outbox) == 1  # sent once


@pytest.mark.django_db(transaction=True)
def test_a_mail_refused_again_waits_longer_and_staff_hear_of_it(smtp_down):
    mail_queue(message=EmailMessage("主旨", "內容", None, ["a@example.tw"]))  # outside a transaction: sent now
    kept = OutgoingMail.objects.get()
    waits = []
    for _attempt in range(MAIL_ALERT_AFTER - 1):
        OutgoingMail.objects.update(next_attempt_at=timezone.now())
        before = timezone.now()
        assert mail_flush() == 1
        kept.refresh_from_db()
        waits.append((kept.next_attempt_at - before).total_seconds())
    assert kept.attempts == MAIL_ALERT_AFTER and waits == sorted(waits) and waits[0] >= 55
    failure = TaskFailure.objects.get()
    assert failure.task_name == "pbcity.tasks.mail_send" and "a@example.tw" in failure.arguments
    assert mail_flush() == 0  # not due yet: nothing is queued before its time


@pytest.mark.django_db(transaction=True)
def test_a_mail_never_accepted_is_given_up_after_its_age(smtp_down):
    mail_queue(message=EmailMessage("主旨", "重設連結 https://x/reset/secret/", None, ["a@example.tw"]))
    age = datetime.timedelta(seconds=smtp_down.MAIL_OUTBOX_MAX_AGE + 1)
    OutgoingMail.objects.update(created_at=timezone.now() - age)
    assert mail_flush() == 0
    assert not OutgoingMail.objects.exists()
    assert "given up" in TaskFailure.objects.get().arguments


@pytest.mark.django_db(transaction=True)
def test_the_outbox_keeps_only_the_mail_id_while_redis_is_down_and_blanks_it_once_queued(smtp_down, monkeypatch):
    from kombu.exceptions import OperationalError

    from pbcity.tasks import mail_send, outbox_flush

    def broker_down(*args, **kwargs):
        raise OperationalError("Redis down")

    monkeypatch.setattr(mail_send, "apply_async", broker_down)
    mail_queue(message=EmailMessage("主旨", "重設連結 https://x/reset/secret/", None, ["a@example.tw"]))
    message = OutboxMessage.objects.get()
    mail_id = OutgoingMail.objects.get().pk
    assert message.task_name == "pbcity.tasks.mail_send" and message.args == [mail_id]
    assert "secret" not in str(message.args) + str(message.kwargs)
    monkeypatch.setattr("celery.current_app.send_task", lambda *a, **kw: None)  # Redis is back
    assert outbox_flush() == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.args == [] and message.kwargs == {}


def test_email_url_and_email_backend_have_one_precedence():
    console, smtp = "django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.smtp.EmailBackend"
    assert email_settings("", "", default_url="smtp://localhost:25") == {
        "EMAIL_BACKEND": smtp, "EMAIL_HOST": "localhost", "EMAIL_PORT": 25, "EMAIL_FILE_PATH": ""}
    assert email_settings("", console, default_url="smtp://localhost:25") == {"EMAIL_BACKEND": console}
    tls = email_settings("smtp+tls://u:p@mail.example:587", "", default_url="consolemail://")
    assert tls["EMAIL_BACKEND"] == smtp and tls["EMAIL_HOST"] == "mail.example" and tls["EMAIL_USE_TLS"] is True
    assert email_settings("consolemail://", console, default_url="smtp://localhost:25")["EMAIL_BACKEND"] == console
    assert email_settings("smtp://mail.example:25", smtp, default_url="")["EMAIL_HOST"] == "mail.example"
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL means .*smtp.* but EMAIL_BACKEND is .*console"):
        email_settings("smtp://localhost:25", console, default_url="consolemail://")


def test_production_refuses_to_start_with_contradicting_mail_settings():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pbcity.settings.production", "SECRET_KEY": "x" * 50,
           "VOTER_ID_HMAC_KEY": "k" * 32, "ALLOWED_HOSTS": "pb.example", "SITE_URL": "https://pb.example"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"

    def start(**mail_env):
        return subprocess.run([sys.executable, "-c", code], env={**env, **mail_env}, capture_output=True,
                              text=True, cwd=django_settings.BASE_DIR, timeout=60)

    refused = start(EMAIL_URL="smtp://localhost:25", EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert refused.returncode != 0 and "ImproperlyConfigured" in refused.stderr
    assert "set only one of them" in refused.stderr
    console = start(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend", EMAIL_URL="")
    assert console.returncode == 0, console.stderr
    assert console.stdout.strip() == "django.core.mail.backends.console.EmailBackend"  # no longer overridden
