"""A real Celery worker on the real Redis: a committed transition leads to exactly one e-mail."""
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun
from django.core import mail
from django.db import connections

from pbcity.celery import app
from proposals import services
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis that scripts/test.sh starts"),
]


def _close_worker_connections(**kwargs):
    # The worker thread opens its own database connection; close it so the test database can be dropped.
    connections.close_all()


@pytest.fixture
def real_worker():
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=os.environ["REDIS_URL"])
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connections)
        app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_committed_transition_sends_exactly_one_email_through_the_worker(district, other_district, cycle, real_worker):
    cast = Cast(district, other_district)
    proposal = cast.walk(cycle, State.RAISED)  # the walk itself queued one notification
    deadline = time.monotonic() + 15
    while len(mail.outbox) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    mail.outbox.clear()
    published = []

    def _published(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(_published, weak=False)
    services.proposal_transition(
        proposal=proposal, actor=cast["district"], transition_name="pass_assembly", reason="過半數支持"
    )
    deadline = time.monotonic() + 15
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # a duplicate delivery would arrive by now
    before_task_publish.disconnect(_published)
    # Went through Redis, not eagerly: the transition's task, then one delivery task per proposer.
    assert published == ["proposals.tasks.transition_notify", "pbcity.tasks.notification_send"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.proposer.email]
    assert "住民大會通過" in mail.outbox[0].subject
