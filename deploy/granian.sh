#!/usr/bin/env bash
# The web node's application server for election day: granian (Rust HTTP, WSGI interface) serving pbcity.wsgi.
# docs/decisions.md, "Election-day speed: the application server". Like deploy/gunicorn.conf.py, everything
# tunable comes from the environment; extra arguments are passed on (they win over these).
#   GRANIAN_HOST / GRANIAN_PORT  where to listen (default 127.0.0.1:8000, behind nginx)
#   GRANIAN_WORKERS              worker processes (default: cores + 1; measured against 2 × cores + 1 in
#                                docs/performance.md: fewer processes switch less, and each waits little)
#   GRANIAN_BLOCKING_THREADS     Python threads per worker running Django (default 1: a sync worker)
#   GRANIAN_WORKERS_LIFETIME     replace a worker after this long (default 24h): a guard against slow leaks
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
cores=$(nproc)
exec "$HERE/.venv/bin/granian" --interface wsgi \
  --host "${GRANIAN_HOST:-127.0.0.1}" --port "${GRANIAN_PORT:-8000}" \
  --workers "${GRANIAN_WORKERS:-$((cores + 1))}" \
  --blocking-threads "${GRANIAN_BLOCKING_THREADS:-1}" \
  --runtime-threads 1 \
  --http 1 --no-ws \
  --respawn-failed-workers \
  --workers-lifetime "${GRANIAN_WORKERS_LIFETIME:-86400}" \
  --no-access-log \
  "$@" \
  pbcity.wsgi:application
