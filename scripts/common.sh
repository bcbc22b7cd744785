# Shared by run.sh and test.sh: Debian packages and the virtualenv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

# Install the Debian packages that are missing (dpkg -s is quick; apt-get only runs when needed).
ensure_debs() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

RUN_DEBS=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk libmagic1)
TEST_DEBS=("${RUN_DEBS[@]}" postgresql redis-server chromium poppler-utils graphviz)

ensure_venv() {
  local req="$1"
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    python3 -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$req")"
  if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    echo "==> pip install -r $req"
    # The machine's pip config names local indexes that may be absent; hide only those warnings.
    { .venv/bin/pip install -q --disable-pip-version-check -r "$req" 2>&1; } \
      | { grep -v "is neither a file nor a directory" || true; }
    touch "$stamp"
  fi
}

compile_translations() {
  .venv/bin/python manage.py compilemessages --ignore=.venv -v0
}
