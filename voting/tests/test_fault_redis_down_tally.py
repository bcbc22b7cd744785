"""Redis stops as civil-affairs staff start the count: the page answers, the request is kept in the outbox,
and the count runs once Redis is back (issue 16, item 3)."""
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.urls import reverse

from pbcity.celery import app
from pbcity.models import OutboxMessage
from pbcity.tasks import outbox_flush
from pbcity.tests.test_fault_redis_down import _close_connections, _fresh_pool, redis_server  # noqa: F401
from voting.models import Round
from voting.services import rounds as round_services

from .round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_starting_the_count_while_redis_is_down_answers_and_counts_once_redis_is_back(
        client, civil, cycle, district, projects, redis_server):  # noqa: F811
    app.conf.update(task_always_eager=True)  # getting a closed round is not what this test is about
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=2), actor=civil)
    for v in [verified_voter(cycle, district) for _i in range(3)]:
        cast(r, v, projects[:2])
    r = close(r, civil)
    app.conf.update(task_always_eager=False)

    redis_server.stop()
    client.force_login(civil)
    resp = client.post(reverse("voting:round_action", args=[r.pk, "tally"]), {"confirm": "yes"})
    assert resp.status_code == 302  # the page answers
    r.refresh_from_db()
    assert r.tally_step == "queued" and r.status == Round.Status.CLOSED
    kept = OutboxMessage.objects.get()
    assert kept.task_name == "voting.tasks.round_tally" and kept.kwargs == {"round_id": r.pk}
    assert outbox_flush() == 0  # still down: kept for the next run

    redis_server.start()
    _fresh_pool()
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert outbox_flush() == 1
            deadline = time.monotonic() + 30
            while Round.objects.get(pk=r.pk).status != Round.Status.TALLIED and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        task_postrun.disconnect(_close_connections)
    r.refresh_from_db()
    assert r.status == Round.Status.TALLIED and r.tally_percent == 100
    kept.refresh_from_db()
    assert kept.sent_at is not None and kept.kwargs == {}
