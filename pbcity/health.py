"""`/healthz`: is this web node able to serve — database, Redis, and a live Celery worker?

Cheap enough for a load balancer to call every few seconds: one `SELECT 1`, one Redis PING and one
GET. The worker check reads a heartbeat that a worker writes every 15 s (task `pbcity.health.heartbeat`,
scheduled by beat, so it also proves that beat runs); it expires after 60 s (docs/deployment.md).

`audit` is the latest scheduled verification (pbcity/audit/tasks.py, audit_watch_tick): "error: …" when the
audit trail or a ballot board does not verify, or when no verification ran for two periods (the watch is
down). It turns `status` to "error" but not the HTTP code: a load balancer that took every node out because
of a forged row would hand an insider an outage; monitoring alerts on `status` (docs/deployment.md).
"""
import time

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

HEARTBEAT_KEY = "pbcity:worker-heartbeat"
HEARTBEAT_TTL = 60


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Run by a worker on beat's schedule: 'a worker was alive at this time'."""
    if settings.REDIS_URL:
        _redis().set(HEARTBEAT_KEY, str(time.time()), ex=HEARTBEAT_TTL)


def check() -> dict:
    status = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:  # the report says what failed; the node stays up to say it
        status["database"] = f"error: {type(exc).__name__}"
    if not settings.REDIS_URL:
        status["redis"] = status["worker"] = "embedded (tasks run in the web process)"
        return status
    try:
        client = _redis()
        client.ping()
        status["redis"] = "ok"
        beat = client.get(HEARTBEAT_KEY)
        status["worker"] = f"ok ({time.time() - float(beat):.0f} s ago)" if beat else "error: no heartbeat for 60 s"
    except Exception as exc:
        status["redis"] = f"error: {type(exc).__name__}"
        status["worker"] = "unknown (Redis unreachable)"
    return status


def audit_check() -> str:
    """The latest scheduled verification of the audit trail and the ballot boards, in one line."""
    from django.utils import timezone

    from pbcity.audit.invariants import is_busy
    from pbcity.audit.selectors import verification_latest
    from pbcity.audit.tasks import watch_period

    try:
        runs = verification_latest()
        busy = is_busy()
    except DatabaseError as exc:
        return f"unknown: {type(exc).__name__}"
    failed = [r for r in runs.values() if not r.ok]
    if failed:
        return "error: " + "; ".join(
            f"{r.kind} does not verify ({len(r.problems)} problems, {r.ran_at.isoformat(timespec='seconds')})"
            for r in sorted(failed, key=lambda r: r.kind))
    if not runs:
        return "ok (no scheduled verification yet)"
    last = max(r.ran_at for r in runs.values())
    if timezone.now() - last > 2 * watch_period(busy=busy):
        return f"error: no verification since {last.isoformat(timespec='seconds')}"
    return f"ok (verified {last.isoformat(timespec='seconds')})"


@never_cache
def healthz(request):
    status = check()
    serving = all(v.startswith(("ok", "embedded")) for v in status.values())
    status["audit"] = audit_check()
    healthy = serving and not status["audit"].startswith("error")
    return JsonResponse({"status": "ok" if healthy else "error", **status}, status=200 if serving else 503)
