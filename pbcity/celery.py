import logging
import os
import traceback as tb

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbcity.settings.local")

app = Celery("pbcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules outside an app's `tasks.py`, which autodiscovery does not find: a worker must know them.
app.conf.imports = (*app.conf.imports, "pbcity.audit.tasks", "pbcity.health")
# Periodic jobs (quarterly reports, reminders) join app.conf.beat_schedule as their apps land.
app.conf.beat_schedule.update({
    # First day of each quarter, 06:00 Taipei: the reports on the quarter just ended (tracking/tasks.py).
    "tracking-quarterly-reports": {
        "task": "tracking.tasks.quarterly_reports_start",
        "schedule": crontab(minute=0, hour=6, day_of_month="1", month_of_year="1,4,7,10"),
    },
    # Daily, 06:30 Taipei: the cycle evaluation report after the vote is counted, then each quarter of
    # execution; built once per (cycle, period) (evaluation/tasks.py).
    "evaluation-reports": {"task": "evaluation.tasks.reports_start", "schedule": crontab(minute=30, hour=6)},
    "tracking-overdue-reminders": {"task": "tracking.tasks.overdue_reminders", "schedule": crontab(minute=30, hour=7)},
    # Proposers who stopped taking part, flagged to their district office (proposals/services.py, orphans_flag).
    "proposals-orphans-scan": {"task": "proposals.tasks.orphans_scan", "schedule": crontab(minute=45, hour=7)},
    # Seal accepted ballots into the board chain every few seconds; close rounds on time (voting/tasks.py).
    "voting-board-seal": {"task": "voting.tasks.board_seal_tick", "schedule": 5.0},
    # The audit chain (pbcity/audit/tasks.py): seal what an on-commit seal missed; keep and e-mail
    # yesterday's head just after midnight, Taipei time (docs/security.md, "Audit chain").
    "audit-seal": {"task": "pbcity.audit.tasks.audit_seal_tick", "schedule": 60.0},
    # Worker heartbeat for /healthz (pbcity/health.py).
    "health-heartbeat": {"task": "pbcity.health.heartbeat", "schedule": 15.0},
    # Messages kept while Redis was down go out once it is back (pbcity/tasks.py, outbox_flush).
    "outbox-flush": {"task": "pbcity.tasks.outbox_flush", "schedule": 30.0},
    # Mails the mail server refused go out once it takes them again (pbcity/tasks.py, mail_flush).
    "mail-flush": {"task": "pbcity.tasks.mail_flush", "schedule": 30.0},
    "audit-daily-head": {"task": "pbcity.audit.tasks.audit_daily_head", "schedule": crontab(minute=5, hour=0)},
    # The audit watch: witness the head and run audit_verify and the ballot verifier every 5 minutes
    # while a vote is open, hourly otherwise; failures reach the pages, /healthz and the committee.
    "audit-watch": {"task": "pbcity.audit.tasks.audit_watch_tick",
                    "schedule": float(os.environ.get("AUDIT_WATCH_TICK_SECONDS", "300"))},
    # Each person's daily digest e-mail, 07:00 Taipei (pbcity/services.py, notification_digest_send).
    # Mobilisation flags while an assembly or a vote runs (mobilisation/tasks.py).
    "mobilisation-flags": {"task": "mobilisation.tasks.flags_tick", "schedule": 600.0},
    "notification-digests": {"task": "pbcity.tasks.notification_digests_start", "schedule": crontab(minute=0, hour=7)},
})

log = logging.getLogger("pbcity.tasks")


@task_failure.connect
def record_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_extra):
    """A task that failed after its retries leaves a TaskFailure row that staff see, never silence."""
    try:
        from pbcity.services import task_failure_record

        task_failure_record(
            task_name=getattr(sender, "name", str(sender)), task_id=task_id or "",
            arguments=repr({"args": args, "kwargs": kwargs}), error=f"{type(exception).__name__}: {exception}",
            traceback=str(einfo) if einfo else "".join(tb.format_exception(exception)),
        )
    except Exception:  # the record is best effort; the log line below stays either way
        log.exception("Could not record the failure of task %s", task_id)
    log.error("Task %s (%s) failed for good: %r", getattr(sender, "name", sender), task_id, exception)
