#!/usr/bin/env bash
# Benchmarks: proposal pages at 1,000 and 10,000 proposals on a private PostgreSQL (and the search's plan), and the cost of a
# password check. Extra arguments go to benchmarks/proposal_pages.py, e.g. `scripts/bench.sh --requests 50`.
# Results: docs/performance.md and docs/passwords.md (copy the tables there when they change).
source "$(dirname "$0")/common.sh"
ensure_debs postgresql
ensure_venv requirements-test.txt
source "$ROOT/scripts/services.sh"
start_services
# The benchmarks create and drop their own databases: they run as the owner role (docs/security.md).
export DATABASE_URL="$DATABASE_OWNER_URL"
unset DATABASE_OWNER_URL
export DJANGO_SETTINGS_MODULE=pbcity.settings.test
echo "==> $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
status=0
.venv/bin/python benchmarks/proposal_pages.py "$@" || status=$?   # 1 = a query count grew with the data
.venv/bin/python benchmarks/login_cost.py || status=$?
.venv/bin/python benchmarks/vote_http.py || status=$?   # 1 = accepted ballots differ from rows
.venv/bin/python benchmarks/tally.py || status=$?
.venv/bin/python benchmarks/search_plan.py || status=$?   # 1 = the search no longer uses its index
exit "$status"
