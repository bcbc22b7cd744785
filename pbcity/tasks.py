import datetime
import logging
import traceback

from celery import shared_task
from celery.exceptions import Retry
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from pbcity.services import notification_deliver, task_failure_record

log = logging.getLogger("pbcity.tasks")

# Every task retries on any error with exponential backoff (2 s, 4 s, … capped at 10 min, jittered);
# the last failure reaches the `task_failure` handler in pbcity/celery.py and staff see it. A row
# that no longer exists will not appear by waiting, so that fails at once.
RETRY_POLICY = {
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (ObjectDoesNotExist,),
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


def _broker_errors() -> tuple:
    import kombu.exceptions
    import redis.exceptions

    return (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


BROKER_ERRORS = _broker_errors()


def enqueue(task_name: str, *args, **kwargs) -> None:
    """Queue the task named `task_name` once the current transaction commits (at once outside one).

    The one way to queue a task (docs/decisions.md, "One way to queue, and mail never inside a request"):
    by name, so a service never imports its app's tasks module (no services ↔ tasks import cycle); after
    the commit, so a worker never reads rows that are not there yet; and through `enqueue_now`, so an
    unreachable broker keeps the task in the outbox and a failing task never reaches the caller.
    Arguments must be JSON-serialisable (they may wait in the outbox).
    """
    transaction.on_commit(lambda: enqueue_now(task_name, *args, **kwargs))


def _task(task):
    if not isinstance(task, str):
        return task
    from celery import current_app

    try:
        return current_app.tasks[task]
    except KeyError:  # a process that has not imported the task modules yet (autodiscovery is lazy)
        current_app.loader.import_default_modules()
        return current_app.tasks[task]


def enqueue_now(task, *args, **kwargs) -> bool:
    """Queue `task` (a name, or a task) now, so that its failure never reaches the caller.

    With a broker, only an unreachable broker fails here. Without one (tasks run eagerly, errors
    propagating) the task's own error arrives here, before any retry or `task_failure` signal, so it
    is recorded for staff here (docs/decisions.md, "Input that never breaks a committed action").
    """
    task = _task(task)
    try:
        task.apply_async(args, kwargs)
    except BROKER_ERRORS as exc:
        # Redis is down: keep the message in the database; outbox_flush queues it when Redis is back.
        log.warning("Broker unreachable; %s kept in the outbox: %s", task.name, exc)
        try:
            from pbcity.models import OutboxMessage

            OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs, error=str(exc)[:300])
        except Exception:  # noqa: BLE001 - the database is down too: the log line is all that is left
            log.exception("Could not keep %s%r%r in the outbox", task.name, args, kwargs)
        return False
    except Exception as exc:  # noqa: BLE001 - whatever failed, the caller's work stands
        error = exc.exc if isinstance(exc, Retry) and exc.exc is not None else exc
        log.exception("Task %s failed", task.name)
        try:
            task_failure_record(task_name=task.name, task_id="", arguments=repr({"args": args, "kwargs": kwargs}),
                                error=f"{type(error).__name__}: {error}",
                                traceback="".join(traceback.format_exception(error)))
        except Exception:  # noqa: BLE001 - the log line above stays
            log.exception("Could not record the failure of %s", task.name)
        return False
    return True


# The earlier name, kept for callers that queue at once and count what was queued.
enqueue_isolated = enqueue_now


@shared_task(bind=True, **RETRY_POLICY)
def notification_send(self, user_id: int, key: str, subject: str, body: str, url: str = "", kind: str = "work",
                      topic: str = "") -> int:
    """Deliver one notification to one person: one recipient's failure never touches another's."""
    user = get_user_model().objects.get(pk=user_id)
    return notification_deliver(recipient=user, key=key, subject=subject, body=body, url=url, kind=kind,
                                topic=topic).pk


@shared_task(bind=True, **RETRY_POLICY)
def notification_digests_start(self, day: str | None = None) -> int:
    """Beat, once a day: queue one digest per person with something waiting (see notification_digest_send)."""
    from pbcity.services import notification_digests_start as start

    return start(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(bind=True, **RETRY_POLICY)
def notification_digest_send(self, user_id: int, day: str) -> int | None:
    """One person's daily digest; safe to run twice or at once (the second finds the day's digest made)."""
    from pbcity.services import notification_digest_send as send

    digest = send(user=get_user_model().objects.get(pk=user_id), day=datetime.date.fromisoformat(day))
    return digest.pk if digest else None


@shared_task(ignore_result=True)
def outbox_flush(limit: int = 500) -> int:
    """Queue again what could not be queued while the broker was down (beat, every 30 s)."""
    from celery import current_app
    from django.db.models import F
    from django.utils import timezone

    from pbcity.models import OutboxMessage

    sent = 0
    with transaction.atomic():
        pending = OutboxMessage.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)[:limit]
        for message in pending:
            try:
                current_app.send_task(message.task_name, args=message.args, kwargs=message.kwargs)
            except BROKER_ERRORS:
                OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
                break  # still down: the next run tries again
            # Queued: the arguments are the broker's now; blank them here (they may hold a mail's id or
            # a receipt), keeping the row as a record that it went out.
            OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1,
                                                               args=[], kwargs={})
            sent += 1
    return sent


@shared_task(ignore_result=True)
def mail_send(mail_id: int) -> bool:
    """Send one mail of the mail outbox (a refused one stays for `mail_flush`; no Celery retry needed)."""
    from pbcity.services import mail_deliver

    return mail_deliver(mail_id=mail_id)


# How long the flush leaves a mail it has queued before queuing it again (a lost task message).
MAIL_LEASE = datetime.timedelta(minutes=5)


@shared_task(ignore_result=True)
def mail_flush(limit: int = 200) -> int:
    """Queue the kept mails whose next try is due (beat, every 30 s); give up those past MAIL_OUTBOX_MAX_AGE."""
    from django.conf import settings
    from django.utils import timezone

    from pbcity.models import OutgoingMail
    from pbcity.services import mail_give_up

    mail_give_up(older_than=datetime.timedelta(seconds=settings.MAIL_OUTBOX_MAX_AGE))
    now = timezone.now()
    with transaction.atomic():
        due = list(OutgoingMail.objects.select_for_update(skip_locked=True)
                   .filter(next_attempt_at__lte=now).values_list("pk", flat=True)[:limit])
        OutgoingMail.objects.filter(pk__in=due).update(next_attempt_at=now + MAIL_LEASE)
    queued = 0
    for pk in due:
        try:
            mail_send.apply_async((pk,))
        except BROKER_ERRORS:
            # Redis is down: the mails wait in the table itself; the lease ends and a later run queues them.
            break
        queued += 1
    return queued
