#!/usr/bin/env bash
# One command for the whole suite: Debian packages, venv, private PostgreSQL + Redis, pytest.
# Extra arguments go to pytest, e.g. `scripts/test.sh proposals -k transition`.
source "$(dirname "$0")/common.sh"
ensure_debs "${TEST_DEBS[@]}"
ensure_venv requirements-test.txt
source "$ROOT/scripts/services.sh"
start_services
export DJANGO_SETTINGS_MODULE=pbcity.settings.test
export DJANGO_ALLOW_ASYNC_UNSAFE=true
compile_translations
.venv/bin/python -m pytest "$@"
