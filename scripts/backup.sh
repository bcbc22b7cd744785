#!/usr/bin/env bash
# A consistent backup: one PostgreSQL snapshot (pg_dump, custom format) + the uploaded files + a manifest
# (row counts, file hashes, audit head) that restore.sh checks against. Usage: scripts/backup.sh DEST_DIR
# Environment as for the platform: DATABASE_OWNER_URL (or DATABASE_URL), MEDIA_ROOT or S3_BUCKET and the
# other S3_* variables, DJANGO_SETTINGS_MODULE.
# The dump is one transaction snapshot; files are copied after it, so every file a dumped row names is
# there (uploads are written before their row commits); a file uploaded meanwhile is an extra, harmless.
# Files come from the storage the platform uses (the media folder or the S3 bucket), through
# `manage.py media_backup`, which records the SHA-256 of each archived file in the manifest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:?usage: scripts/backup.sh DEST_DIR}"
URL="${DATABASE_OWNER_URL:-${DATABASE_URL:?DATABASE_URL is not set}}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
out="$DEST/pbcity-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
"$PY" "$ROOT/manage.py" backup_manifest --without-files --out "$out/manifest.json"
"$PG_BIN/pg_dump" --format=custom --no-owner --no-privileges --file "$out/database.dump" "$URL"
"$PY" "$ROOT/manage.py" media_backup --out "$out/media.tar" --manifest "$out/manifest.json"
(cd "$out" && sha256sum database.dump media.tar manifest.json > SHA256SUMS)
echo "$out"
