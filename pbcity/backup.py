"""What a backup must bring back: row counts of every table, every uploaded file, the audit chain.

`manifest()` describes the live database and file storage (the media folder or the S3 bucket);
`scripts/backup.sh` stores it beside the dump, with the files' hashes taken from the archive it writes
(`manage.py media_backup`), and `scripts/restore.sh` puts the files back (`manage.py media_restore`)
and compares the restored system with it (`manage.py backup_check`).
"""
from django.db import connection

from pbcity.filestore import stored_hashes


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cur:
        for table in sorted(connection.introspection.table_names()):
            cur.execute(f'SELECT count(*) FROM "{table}"')  # names come from the catalogue, not from input
            counts[table] = cur.fetchone()[0]
    return counts


def media_files() -> dict[str, str]:
    """SHA-256 of every uploaded file, by storage name: the MEDIA_ROOT folder or the S3 bucket."""
    return stored_hashes()


def audit_state() -> dict:
    from pbcity.audit.verify import chain_verify

    report = chain_verify()
    head = report.head
    return {"ok": report.ok, "position": head.position if head else 0, "hash": head.entry_hash if head else ""}


def manifest(*, files: bool = True) -> dict:
    return {"tables": table_counts(), "files": media_files() if files else {}, "audit": audit_state()}


def differences(expected: dict, actual: dict) -> list[str]:
    """Human-readable differences between a stored manifest and the restored system (empty = same)."""
    out = []
    for table, n in expected["tables"].items():
        if table == "django_migrations":
            continue  # restore runs `migrate`, which may apply migrations newer than the backup
        got = actual["tables"].get(table)
        if got != n:
            out.append(f"table {table}: {n} rows in the backup, {got} after restore")
    for name, digest in expected["files"].items():
        got = actual["files"].get(name)
        if got != digest:
            out.append(f"file {name}: {'missing' if got is None else 'content differs'} after restore")
    if expected["audit"] != actual["audit"]:
        out.append(f"audit chain: {expected['audit']} in the backup, {actual['audit']} after restore")
    return out
