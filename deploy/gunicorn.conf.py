"""gunicorn for one stateless web node (docs/deployment.md). Everything tunable comes from the environment.

The deployed web nodes run granian (deploy/granian.sh; docs/decisions.md, "Election-day speed: the application
server"): ballots cost 0.6 of the CPU there. This configuration stays for a site that must run gunicorn.

Measured choices (docs/performance.md, "Election day at full speed"; docs/decisions.md, "Election-day speed"):
- preload_app: Django is imported once, in the master, and the workers are forked from it. A new worker
  (at start, after max_requests, after a crash) is ready in milliseconds instead of importing Django for
  ≈ 1–2 s of CPU on the cores that serve requests — that import was the latency spikes of cached pages.
  Safe here: nothing opens a database or Redis connection at import (both are opened lazily per worker).
- max_requests 100,000 (± 10 %): the recycling stays as a guard against a slow leak in a library, but at
  1,800 requests/s a 5,000-request limit restarted a worker every few seconds.
- Sync workers, 2 × cores + 1: a ballot or a cached page is a few milliseconds of CPU and PostgreSQL runs
  beside them; threads (GUNICORN_WORKER_CLASS=gthread, GUNICORN_THREADS) only pay when the database is far.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart workers now and then, so a slow leak in a library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = os.environ.get("GUNICORN_NAME", "pbcity-web")


def pre_fork(server, worker):
    # In the master, before the first worker is forked: a connection opened while importing the app (none
    # today) must not be shared by the workers. Nothing in the master queries afterwards.
    from django.db import connections

    connections.close_all()
