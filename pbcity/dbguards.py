"""Database-side guards that migrations of every app share (docs/decisions.md, "Audit").

Every guard function fixes its `search_path` (GUARD_SEARCH_PATH): a trigger function runs with the
caller's path, and PostgreSQL searches the session's temporary schema *first* unless `pg_temp` is
named, so a temporary table called `voting_round` would otherwise stand in for the real one
(issue 15). `pbcity.audit.dbsetup.guards_install` pins the path of every trigger function in the
schema after each migrate, whichever app defines it, and takes TEMP away from the runtime role.
"""
from django.db import migrations

# Listed last, pg_temp is searched last for tables and never for functions (PostgreSQL docs,
# "Writing SECURITY DEFINER functions safely"); the schema is reset to the real one by guards_install.
GUARD_SEARCH_PATH = "pg_catalog, public, pg_temp"

# The one exception: a TRUNCATE by the table's owner role that has set `pbcity.flush` (the test
# runner's flush between transactional tests, docs/decisions.md "Database roles"). The runtime role
# has no TRUNCATE privilege at all, and the owner could disable the trigger anyway.
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION pbcity_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('pbcity.flush', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
"""

# A row that may change until `TG_ARGV[0]` is set (e.g. an assembly item's result), then never again.
SEALED_ROW_FUNCTION = """
CREATE OR REPLACE FUNCTION pbcity_sealed_row() RETURNS trigger AS $$
BEGIN
    IF (to_jsonb(OLD) -> TG_ARGV[0]) IS DISTINCT FROM 'null'::jsonb THEN
        RAISE EXCEPTION 'sealed row of %: % refused', TG_TABLE_NAME, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
"""

# Chain entries are written unsealed and sealed exactly once (position, prev and entry hash, time).
AUDIT_ENTRY_FUNCTION = """
CREATE OR REPLACE FUNCTION pbcity_audit_entry_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.position IS NULL AND OLD.entry_hash = ''
       AND NEW."table" = OLD."table" AND NEW.row_pk = OLD.row_pk AND NEW.content_hash = OLD.content_hash
       AND NEW.recorded_at = OLD.recorded_at AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit chain entry %: % refused', OLD.id, TG_OP;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
"""


def _trigger_sql(table: str, *, allow_update: bool) -> list[str]:
    ops = "DELETE" if allow_update else "UPDATE OR DELETE"
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"CREATE TRIGGER {table}_append_only BEFORE {ops} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION pbcity_append_only();",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION pbcity_append_only();",
    ]


def append_only(*tables: str, allow_update: bool = False) -> migrations.RunPython:
    """A migration operation: on PostgreSQL the tables refuse UPDATE, DELETE and TRUNCATE.

    `allow_update=True` is for tables whose rows are sealed later in place (e.g. a chain position
    filled by the sealer); they still refuse DELETE and TRUNCATE.
    """

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(APPEND_ONLY_FUNCTION, params=None)
        for table in tables:
            for sql in _trigger_sql(table, allow_update=allow_update):
                schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};", params=None)

    return migrations.RunPython(forwards, backwards)
