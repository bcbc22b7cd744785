"""On PostgreSQL the audit tables refuse UPDATE and DELETE, whatever path the change takes."""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION pbcity_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
TABLES = {
    "proposals_transitionlog": "UPDATE OR DELETE",
    "proposals_historicalproposal": "UPDATE",
    "proposals_consent": "UPDATE",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, ops in TABLES.items():
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE {ops} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION pbcity_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
