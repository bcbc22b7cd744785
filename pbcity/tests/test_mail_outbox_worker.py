"""With a broker and a real worker: a password reset answers at once even when the mail server accepts the
connection and never speaks; the worker keeps the mail and sends it once the server works (issue 16, item 2)."""
import logging
import socket
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pbcity.celery import app
from pbcity.models import OutgoingMail
from pbcity.tasks import mail_flush
from pbcity.tests.factories import UserFactory
from pbcity.tests.test_fault_redis_down import _close_connections, redis_server  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_password_reset_never_waits_on_a_silent_mail_server(client, settings, redis_server):  # noqa: F811
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes the handshake; no greeting ever comes
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent.getsockname()[1], 5
    UserFactory(email="known@example.tw")
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "warm-up@example.tw"})  # first-request costs
    took = {}
    for address in ("known@example.tw", "nobody@example.tw"):
        start = time.monotonic()
        r = client.post(reverse("account_reset_password"), {"email": address})
        took[address] = time.monotonic() - start
        assert r.status_code == 302 and r.url == reverse("account_reset_password_done")
    logging.getLogger(__name__).info("password reset with a silent SMTP server: %s", took)
    assert max(took.values()) < settings.EMAIL_TIMEOUT / 2, took  # sending inline would take EMAIL_TIMEOUT
    OutgoingMail.objects.filter(recipients="warm-up@example.tw").delete()
    assert OutgoingMail.objects.count() == 2

    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            _until(lambda: not OutgoingMail.objects.filter(attempts=0).exists())
            assert all("timed out" in m.error for m in OutgoingMail.objects.all())
            silent.close()
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server works again
            OutgoingMail.objects.update(next_attempt_at=timezone.now())
            assert mail_flush() == 2
            _until(lambda: not OutgoingMail.objects.exists())
    finally:
        task_postrun.disconnect(_close_connections)
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.tw", "nobody@example.tw"]
    assert not OutgoingMail.objects.exists()
