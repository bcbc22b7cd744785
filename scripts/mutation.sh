#!/usr/bin/env bash
# On-demand mutation run (NOT part of CI or `make test`): docs/mutation.md lists what survived.
# It copies HEAD to a temporary directory and mutates the copy, never the working tree. SQLite
# without migrations keeps each test run short; the append-only tests, which need PostgreSQL, are
# left out (-k). Usage: bash scripts/mutation.sh [SECONDS]   (default budget: 1200 s)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/pbcity-mutation.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
git -C "$ROOT" archive HEAD | tar -x -C "$WORK"
ln -s "$ROOT/.venv" "$WORK/.venv"
cd "$WORK"
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=pbcity.settings.test
.venv/bin/python manage.py compilemessages -v 0 >/dev/null 2>&1 || true
.venv/bin/python scripts/mutation.py --budget "${1:-1200}" --report "$ROOT/mutation-survivors.txt" \
  --pytest-args "--no-migrations -p no:randomly -k 'not append_only and not tamper'" \
  "assemblies/rules.py=assemblies/tests/test_rules.py" \
  "proposals/conditions.py=proposals/tests/test_input_consent.py,proposals/tests/test_lifecycle_rules.py" \
  "proposals/permissions.py=proposals/tests/test_transition_matrix.py,proposals/tests/test_views.py" \
  "assemblies/permissions.py=assemblies/tests/test_permissions.py" \
  "training/permissions.py=training/tests/test_permissions.py"
