"""Database-side guards that migrations of every app share (docs/decisions.md, "Audit")."""
from django.db import migrations

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION pbcity_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
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
