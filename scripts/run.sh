#!/usr/bin/env bash
# One command for a newcomer: set up, load the demo city and serve it on http://127.0.0.1:${PORT:-8000}
source "$(dirname "$0")/common.sh"
ensure_debs "${RUN_DEBS[@]}"
ensure_venv requirements.txt
export DJANGO_SETTINGS_MODULE=pbcity.settings.local
compile_translations
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py seed_demo
PORT="${PORT:-8000}"
echo "==> serving on http://127.0.0.1:$PORT (Ctrl-C to stop)"
exec .venv/bin/python manage.py runserver "127.0.0.1:$PORT"
