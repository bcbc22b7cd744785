#!/usr/bin/env bash
# Maps of places at 1,000 and 10,000 proposals (benchmarks/place_maps.py) on a private PostgreSQL.
# Results: docs/performance.md, "Maps of places".
source "$(dirname "$0")/common.sh"
ensure_debs postgresql
ensure_venv requirements-test.txt
source "$ROOT/scripts/services.sh"
start_services
export DATABASE_URL="$DATABASE_OWNER_URL"
unset DATABASE_OWNER_URL
export DJANGO_SETTINGS_MODULE=pbcity.settings.test
compile_translations
echo "==> $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
.venv/bin/python benchmarks/place_maps.py "$@"
