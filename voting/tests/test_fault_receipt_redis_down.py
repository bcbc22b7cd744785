"""Redis stops on election day: casting a ballot and asking for the receipt e-mail still answer normally,
the e-mail waits in the outbox (holding no user id beside a receipt) and goes out once Redis is back —
once."""
import re
import shutil
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.urls import reverse

from pbcity.celery import app
from pbcity.models import OutboxMessage
from pbcity.tasks import outbox_flush
from pbcity.tests.test_fault_redis_down import _close_connections, _fresh_pool, redis_server  # noqa: F401
from voting.models import Participation, SealedBallot

from .round_helpers import cast_people, civil, open_round, projects, voters  # noqa: F401

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


def test_ballot_and_receipt_email_while_redis_is_down(client, open_round, voters, projects, redis_server):
    app.conf.update(task_always_eager=False)
    mail.outbox.clear()
    redis_server.stop()

    voter = voters[0]
    client.force_login(voter.user)
    url = reverse("voting:ballot", args=[open_round.pk])
    key = re.search(r'name="key" value="([^"]+)"', client.get(url).content.decode()).group(1)
    done = client.post(url, {"key": key, "step": "confirm", f"p{projects[0].pk}": "1"})
    assert done.status_code == 200
    receipt = re.search(r"<strong>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</strong>", done.content.decode()).group(1)
    assert Participation.objects.count() == SealedBallot.objects.count() == 1
    asked = client.post(reverse("voting:receipt_email", args=[open_round.pk]), {"key": key})
    assert asked.status_code == 200  # the page answers normally

    kept = OutboxMessage.objects.get()
    assert kept.task_name == "voting.tasks.receipt_email" and len(kept.args) == 1
    assert receipt not in str(kept.args) and receipt.replace("-", "") not in str(kept.args)
    assert outbox_flush() == 0 and not mail.outbox  # still down: kept, tried again later

    redis_server.start()
    _fresh_pool()
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert outbox_flush() == 1
            assert outbox_flush() == 0  # sent once
            deadline = time.monotonic() + 20
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # a duplicate would have arrived by now
    finally:
        task_postrun.disconnect(_close_connections)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [voter.user.email] and receipt in mail.outbox[0].body
