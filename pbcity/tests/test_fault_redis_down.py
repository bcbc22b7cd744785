"""Redis stops while district-office staff record a transition: the transition commits, the page answers,
and the proposer's notification goes out once Redis is back — once, not lost, not doubled."""
import shutil
import socket
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections
from django.urls import reverse

from pbcity.celery import app
from pbcity.models import Notification, OutboxMessage
from pbcity.tasks import outbox_flush
from proposals.models import Proposal, TransitionLog
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A Redis of this test's own, so stopping it disturbs no other test."""

    def __init__(self, tmp_path):
        self.port, self.dir = _free_port(), tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.dir)], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "broker_connection_retry_on_startup")}
    app.conf.update(task_always_eager=False, broker_url=server.url)
    _fresh_pool()
    yield server
    if server.proc.poll() is None:
        server.stop()
    app.conf.update(saved)
    _fresh_pool()


def _fresh_pool():
    """Drop the producer pool so the next publish connects to the broker URL now configured."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _close_connections(**kwargs):
    connections.close_all()


def test_transition_while_redis_is_down_commits_and_notifies_once_redis_is_back(
        client, redis_server, district, other_district, cycle):
    cast = Cast(district, other_district)
    app.conf.update(task_always_eager=True)  # getting there is not what this test is about
    proposal = cast.walk(cycle, State.RAISED)
    app.conf.update(task_always_eager=False)
    Notification.objects.all().delete()
    mail.outbox.clear()

    redis_server.stop()
    client.force_login(cast["district"])
    resp = client.post(reverse("proposals:act", args=[proposal.pk]),
                       {"transition": "pass_assembly", "reason": "住民大會過半數支持"})
    assert resp.status_code == 302  # the page answers
    assert Proposal.objects.get(pk=proposal.pk).state == State.ASSEMBLY_PASSED  # committed
    log = TransitionLog.objects.get(proposal=proposal, transition="pass_assembly")
    kept = OutboxMessage.objects.get()
    assert kept.task_name == "proposals.tasks.transition_notify" and kept.args == [log.pk]
    assert outbox_flush() == 0  # still down: kept, tried again later
    assert OutboxMessage.objects.get().sent_at is None

    redis_server.start()
    _fresh_pool()
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert outbox_flush() == 1
            assert outbox_flush() == 0  # sent once
            deadline = time.monotonic() + 20
            while not Notification.objects.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # a duplicate would have arrived by now
    finally:
        task_postrun.disconnect(_close_connections)
    notes = Notification.objects.filter(recipient=cast.proposer)
    assert notes.count() == 1 and notes.get().key == f"transition:{log.pk}"
    assert len(mail.outbox) == 1

