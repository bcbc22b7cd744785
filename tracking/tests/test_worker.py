"""A real `celery -A pbcity worker` process on the real Redis: each quarterly report exactly once, also when
the job is started twice at once, and when the worker is killed (SIGKILL) mid-run and the job runs again."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.db import connection

from pbcity.celery import app
from pbcity.roles import Role
from pbcity.tests.factories import staff
from tracking import tasks
from tracking.models import QuarterlyReport

from .factories import TrackingCast

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis that scripts/test.sh starts"),
]
Q = "2026Q4"
N = 6


def test_beat_starts_the_job_on_the_first_day_of_each_quarter():
    entry = app.conf.beat_schedule["tracking-quarterly-reports"]
    assert entry["task"] == "tracking.tasks.quarterly_reports_start"
    assert entry["schedule"] == crontab(minute=0, hour=6, day_of_month="1", month_of_year="1,4,7,10")
    assert entry["task"] == tasks.quarterly_reports_start.name


def _worker(mail_dir: Path, log: Path) -> subprocess.Popen:
    s = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracking.tests.worker_settings",
        "TRACKING_TEST_MAIL_DIR": str(mail_dir),
        # The test database, which this test commits to (transaction=True).
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
    }
    cmd = [sys.executable, "-m", "celery", "-A", "pbcity", "worker", "--pool=threads", "--concurrency=2",
           "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier=1", "-l", "INFO"]
    return subprocess.Popen(cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _sent():
    return QuarterlyReport.objects.filter(quarter=Q, status=QuarterlyReport.Status.SENT).count()


@pytest.mark.django_db(transaction=True)
def test_reports_exactly_once_with_concurrent_starts_and_a_killed_worker(district, other_district, cycle, tmp_path):
    cast = TrackingCast(district, other_district)
    projects = [cast.project(cycle) for _ in range(N)]
    staff(Role.COMMITTEE)  # one more committee member: each report goes to the proposer and two members
    recipients = 3
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=os.environ["REDIS_URL"])
    worker = _worker(mail_dir, log)
    try:
        # The job started twice at once (e.g. beat and an operator).
        app.send_task("tracking.tasks.quarterly_reports_start", args=[Q])
        app.send_task("tracking.tasks.quarterly_reports_start", args=[Q])
        _wait(lambda: _sent() >= 1, 120, "the first report")
        assert _sent() < N, "the worker finished before it could be killed; raise N"
        os.killpg(worker.pid, signal.SIGKILL)  # mid-run, no warm shutdown
        worker.wait(10)
        killed_at = _sent()
        # The job runs again (beat's next attempt, an operator, or Redis redelivering the unacked messages).
        worker = _worker(mail_dir, log)
        app.send_task("tracking.tasks.quarterly_reports_start", args=[Q])
        _wait(lambda: _sent() == N, 180, "every report")
        time.sleep(2)  # a duplicate in flight would land by now
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        app.conf.update(saved)
        connection.close()
    rows = list(QuarterlyReport.objects.filter(quarter=Q))
    assert len(rows) == N and {r.builds for r in rows} == {1}, log.read_text()[-3000:]
    assert {r.project_id for r in rows} == {p.pk for p in projects}
    assert 1 <= killed_at < N
    # The file backend appends every message to a file per connection, each followed by a line of dashes.
    mails = [m for f in mail_dir.iterdir() for m in f.read_text(errors="replace").split("-" * 79 + "\n") if m.strip()]
    # Every (recipient, report) gets its e-mail. SMTP has no idempotency key: the one message the killed worker
    # had handed to the server but not yet recorded as sent is sent again after the restart, so a kill may
    # duplicate at most that one message (docs/decisions.md, "Mail and tasks"); nothing else is ever doubled.
    keys = []
    for text in mails:
        to = next(line for line in text.splitlines() if line.startswith("To: "))
        name = next(line for line in text.splitlines() if "filename=" in line and "report-" in line)
        keys.append((to, name))
    assert len(set(keys)) == N * recipients, (len(mails), log.read_text()[-3000:])
    assert len(keys) - len(set(keys)) <= 1, (len(mails), log.read_text()[-3000:])
