#!/usr/bin/env bash
# One command for a newcomer: set up, load the demo city and serve it on http://127.0.0.1:${PORT:-8000}
source "$(dirname "$0")/common.sh"
ensure_debs "${RUN_DEBS[@]}"
ensure_venv requirements.txt
export DJANGO_SETTINGS_MODULE=pbcity.settings.local
compile_translations
# PBCITY_SETUP=1: SQLite without an fsync per commit for the one-shot setup only (pbcity/settings/local.py).
# migrate runs once, here; seed_demo never migrates.
PBCITY_SETUP=1 .venv/bin/python manage.py migrate -v0
PBCITY_SETUP=1 .venv/bin/python manage.py createcachetable
PBCITY_SETUP=1 .venv/bin/python manage.py seed_demo
PORT="${PORT:-8000}"
echo "==> serving on http://127.0.0.1:$PORT (Ctrl-C to stop)"
exec .venv/bin/python manage.py runserver "127.0.0.1:$PORT"
