#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database, put the files back (media folder or S3 bucket), re-apply the
# runtime role's grants (manage.py migrate, as the owner) and check everything against the manifest.
# Usage: scripts/restore.sh BACKUP_DIR     (same environment variables as backup.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="${1:?usage: scripts/restore.sh BACKUP_DIR}"
URL="${DATABASE_OWNER_URL:-${DATABASE_URL:?DATABASE_URL is not set}}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
(cd "$SRC" && sha256sum --quiet -c SHA256SUMS) || { echo "backup files are damaged (SHA256SUMS)" >&2; exit 1; }
tables=$("$PG_BIN/psql" -At -d "$URL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then echo "refusing: the target database is not empty ($tables tables)" >&2; exit 1; fi
"$PG_BIN/pg_restore" --no-owner --no-privileges --exit-on-error --dbname "$URL" "$SRC/database.dump"
"$PY" "$ROOT/manage.py" media_restore --archive "$SRC/media.tar"   # into MEDIA_ROOT or the S3 bucket
"$PY" "$ROOT/manage.py" migrate -v0   # applies nothing new; its post_migrate hook re-grants the runtime role
"$PY" "$ROOT/manage.py" backup_check --manifest "$SRC/manifest.json"
