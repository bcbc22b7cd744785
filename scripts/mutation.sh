#!/usr/bin/env bash
# On-demand mutation run (NOT part of CI or `make test`): docs/mutation.md lists what survived.
# It copies HEAD to a temporary directory and mutates the copy, never the working tree. SQLite
# without migrations keeps each test run short; the append-only tests, which need PostgreSQL, are
# left out (-k). Usage:
#   bash scripts/mutation.sh [SECONDS] [MODULE=TEST[,TEST…] …]   (default: 1200 s, the modules below)
# Survivors are written to $REPORT (default /tmp/pbcity-mutation-survivors.txt).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUDGET="${1:-1200}"
shift || true
TARGETS=("$@")
if [ "${#TARGETS[@]}" -eq 0 ]; then
  TARGETS=(
    "assemblies/rules.py=assemblies/tests/test_rules.py"
    "pbcity/lot.py=assemblies/tests/test_rules.py,voting/tests/test_rules_tally.py"
    "voting/rules/ballots.py=voting/tests/test_rules_tally.py"
    "voting/rules/eligibility.py=voting/tests/test_rules_eligibility.py"
    "voting/rules/tally.py=voting/tests/test_rules_tally.py,voting/tests/test_counting_rules.py"
    "tracking/rules.py=tracking/tests/test_rules.py"
    "deliberation/rules/panel.py=deliberation/tests/test_panel_rules.py"
    "deliberation/rules/sidetracks.py=deliberation/tests/test_sidetracks.py"
    "proposals/conditions.py=proposals/tests/test_input_consent.py,proposals/tests/test_input_mutants.py,proposals/tests/test_lifecycle_rules.py"
    "proposals/permissions.py=proposals/tests/test_transition_matrix.py,proposals/tests/test_input_mutants.py,proposals/tests/test_views.py"
    "assemblies/permissions.py=assemblies/tests/test_permissions.py"
    "training/permissions.py=training/tests/test_permissions.py"
  )
fi
WORK="$(mktemp -d /tmp/pbcity-mutation.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
git -C "$ROOT" archive HEAD | tar -x -C "$WORK"
ln -s "$ROOT/.venv" "$WORK/.venv"
cd "$WORK"
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=pbcity.settings.test
.venv/bin/python manage.py compilemessages -v 0 >/dev/null 2>&1 || true
.venv/bin/python scripts/mutation.py --budget "$BUDGET" --report "${REPORT:-/tmp/pbcity-mutation-survivors.txt}" \
  --pytest-args "--no-migrations -p no:randomly -k 'not append_only and not tamper'" "${TARGETS[@]}"
