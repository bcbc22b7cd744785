#!/usr/bin/env bash
# One command for the whole suite: Debian packages, venv, private PostgreSQL + Redis, pytest.
# Extra arguments go to pytest, e.g. `scripts/test.sh proposals -k transition`.
source "$(dirname "$0")/common.sh"
ensure_debs "${TEST_DEBS[@]}"
ensure_venv requirements-test.txt
# Lint and import order (ruff.toml) before any test. The whole suite (no arguments: `make test`, CI)
# fails on a finding; a targeted run only reports them, so work in progress elsewhere in the tree
# does not block it.
if ! lint=$(.venv/bin/ruff check --quiet --output-format concise . 2>&1); then
  if [ "$#" -eq 0 ]; then echo "$lint" >&2; echo "==> ruff found problems (above); fix them first" >&2; exit 1; fi
  echo "==> ruff: $(echo "$lint" | grep -c ':[0-9]*:[0-9]*: ') problems (\`.venv/bin/ruff check .\`); a full run stops on them" >&2
fi
# Import layers (.importlinter; docs/decisions.md, "Architecture: layers"): an app importing one above it or
# a peer, even inside a function, fails the whole suite like ruff does. --no-cache: nothing written to the tree.
if ! layers=$(.venv/bin/lint-imports --no-cache --no-logo 2>&1); then
  if [ "$#" -eq 0 ]; then echo "$layers" >&2; echo "==> lint-imports: an import breaks the layers (above)" >&2; exit 1; fi
  echo "==> lint-imports: an import breaks the layers (\`.venv/bin/lint-imports\`); a full run stops on it" >&2
fi
source "$ROOT/scripts/services.sh"
start_services
export DJANGO_SETTINGS_MODULE=pbcity.settings.test
export DJANGO_ALLOW_ASYNC_UNSAFE=true
compile_translations
# The whole suite runs in three processes (pytest-xdist, one test file at a time per process, longest files
# first: conftest.py): CI's two cores are then both busy (docs/decisions.md, "Test suite in processes").
# PYTEST_WORKERS=0 runs it in one; a targeted run stays in one process unless given -n.
if [ "$#" -eq 0 ]; then
  set -- -n "${PYTEST_WORKERS:-3}" --dist loadfile --no-loadscope-reorder
fi
.venv/bin/python -m pytest "$@"
