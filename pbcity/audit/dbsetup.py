"""After every `migrate` on PostgreSQL: append-only triggers on every audit table, and the runtime
role's grants (docs/decisions.md, "Database roles" and "Audit chain").

Idempotent; it runs as the owner role (the migrate command switches to it), covers tables that later
migrations of any app add, and does nothing on SQLite.
"""
from django.db import connections, transaction

from pbcity import dbguards
from pbcity.dbroles import runtime_role

from .registry import audit_spec, audited_models

AUDIT_ENTRY_TABLE = "pbcity_auditentry"
DAILY_HEAD_TABLE = "pbcity_auditdailyhead"
# Append-only but outside the chain: the witnessed heads, and what each scheduled verification found.
WATCH_TABLES = ("pbcity_auditwitness", "pbcity_verificationrun")
# What the sealer may fill in on an entry (the trigger checks the rest stays as written).
AUDIT_ENTRY_SEAL_COLUMNS = ("position", "prev_hash", "entry_hash", "sealed_at")


def audit_tables() -> dict[str, str | None]:
    """db_table -> sealed-by column (None: append-only from INSERT) of every audit table."""
    tables = {m._meta.db_table: audit_spec(m).sealed_by for m in audited_models()}
    tables[DAILY_HEAD_TABLE] = None
    for table in WATCH_TABLES:
        tables[table] = None
    return tables


def _trigger_sql(qn, table: str, sealed_by: str | None) -> list[str]:
    row_function = "pbcity_append_only()" if sealed_by is None else f"pbcity_sealed_row('{sealed_by}')"
    if table == AUDIT_ENTRY_TABLE:
        row_function = "pbcity_audit_entry_guard()"
    return [
        f"DROP TRIGGER IF EXISTS {qn(table + '_append_only')} ON {qn(table)}",
        f"CREATE TRIGGER {qn(table + '_append_only')} BEFORE UPDATE OR DELETE ON {qn(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {row_function}",
        f"DROP TRIGGER IF EXISTS {qn(table + '_no_truncate')} ON {qn(table)}",
        f"CREATE TRIGGER {qn(table + '_no_truncate')} BEFORE TRUNCATE ON {qn(table)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION pbcity_append_only()",
    ]


def guards_install(*, using="default") -> None:
    """Create the guard functions and triggers, then grant the runtime role what it needs."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    tables = {t: s for t, s in audit_tables().items() if t in existing}
    with transaction.atomic(using=using), connection.cursor() as cur:
        for function in (dbguards.APPEND_ONLY_FUNCTION, dbguards.SEALED_ROW_FUNCTION, dbguards.AUDIT_ENTRY_FUNCTION):
            cur.execute(function)
        for table, sealed_by in tables.items():
            for sql in _trigger_sql(qn, table, sealed_by):
                cur.execute(sql)
        if AUDIT_ENTRY_TABLE in existing:
            for sql in _trigger_sql(qn, AUDIT_ENTRY_TABLE, None):
                cur.execute(sql)
        _pin_search_path(cur, qn)
        role = runtime_role()
        if role:
            _grant(cur, qn, role, tables)


def _pin_search_path(cur, qn) -> None:
    """Fix the search_path of every trigger function in the schema (any app's guard, present and
    future), so a temporary table cannot shadow the table a guard reads (pbcity.dbguards)."""
    cur.execute("SELECT current_schema()")
    (schema,) = cur.fetchone()
    cur.execute(
        "SELECT DISTINCT p.oid::regprocedure::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND pg_has_role(current_user, p.proowner, 'MEMBER')"
    )
    for (function,) in cur.fetchall():
        cur.execute(f"ALTER FUNCTION {function} SET search_path = pg_catalog, {qn(schema)}, pg_temp")


def _grant(cur, qn, role: str, audit: dict[str, str | None]) -> None:
    r = qn(role)
    cur.execute("SELECT current_database(), current_schema()")
    database, schema = cur.fetchone()
    # No TEMP: nothing the web or the workers run creates temporary tables, and a temporary table is
    # how a session could shadow a table (issue 15). PUBLIC holds TEMP by default, so take it from
    # PUBLIC too (a warning, not an error, where the owner role does not own the database).
    cur.execute(f"GRANT CONNECT ON DATABASE {qn(database)} TO {r}")
    cur.execute(f"REVOKE TEMPORARY ON DATABASE {qn(database)} FROM PUBLIC, {r}")
    cur.execute(f"GRANT USAGE ON SCHEMA {qn(schema)} TO {r}")
    cur.execute(f"REVOKE CREATE ON SCHEMA {qn(schema)} FROM {r}")
    # Tables any migration made append-only (pbcity.dbguards.append_only, registered or not): the
    # runtime role gets no UPDATE where the trigger refuses UPDATE, and no DELETE where it refuses DELETE.
    cur.execute(
        "SELECT c.relname, bool_or(t.tgtype & 16 <> 0), bool_or(t.tgtype & 8 <> 0) FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE p.proname = 'pbcity_append_only' AND NOT t.tgisinternal GROUP BY c.relname"
    )
    guarded = {name: (no_update, no_delete) for name, no_update, no_delete in cur.fetchall()}
    cur.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND pg_has_role(current_user, tableowner, 'MEMBER')"
    )
    for (table,) in cur.fetchall():
        t = qn(table)
        cur.execute(f"REVOKE ALL ON TABLE {t} FROM {r}")
        if table == "django_migrations":
            cur.execute(f"GRANT SELECT ON TABLE {t} TO {r}")
        elif table == AUDIT_ENTRY_TABLE:
            cur.execute(f"GRANT SELECT, INSERT ON TABLE {t} TO {r}")
            columns = ", ".join(qn(c) for c in AUDIT_ENTRY_SEAL_COLUMNS)
            cur.execute(f"GRANT UPDATE ({columns}) ON TABLE {t} TO {r}")
        elif table in audit and audit[table] is None:
            cur.execute(f"GRANT SELECT, INSERT ON TABLE {t} TO {r}")
        elif table in guarded:
            no_update, no_delete = guarded[table]
            rights = ["SELECT", "INSERT"] + ([] if no_update else ["UPDATE"]) + ([] if no_delete else ["DELETE"])
            cur.execute(f"GRANT {', '.join(rights)} ON TABLE {t} TO {r}")
        else:  # ordinary tables, and sealed-by audit tables (their trigger guards sealed rows)
            cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {t} TO {r}")
    cur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {qn(schema)} TO {r}")
    # Tables the owner creates outside migrate (e.g. createcachetable) are ordinary tables.
    defaults = f"ALTER DEFAULT PRIVILEGES IN SCHEMA {qn(schema)}"
    cur.execute(f"{defaults} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}")
    cur.execute(f"{defaults} GRANT USAGE, SELECT ON SEQUENCES TO {r}")


def on_post_migrate(sender, using="default", plan=None, **kwargs):
    # `flush` sends post_migrate without a plan: the triggers and grants are still in place then.
    if plan is None:
        return
    guards_install(using=using)
