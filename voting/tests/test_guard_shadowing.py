"""Issue 15, item 3: a temporary table named like a real one cannot bend the voting guards.

The runtime role used to shadow `voting_round` with a temporary table (the guard functions named it
without a schema) and so changed a tallied round's costs and cast into a closed round. Now the runtime
role may not create temporary tables at all, and even a session that may (the owner) meets guards that
read the real table: their search_path names pg_temp last (pbcity/dbguards.py).
"""
import pytest
from django.db import DatabaseError, connection, transaction

from pbcity.dbroles import as_owner, owner_credentials
from voting.models import RoundProject

from .round_helpers import cast_people, civil, close, open_round, projects  # noqa: F401

pytestmark = [
    pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)"),
    pytest.mark.django_db(transaction=True),
]

SHADOW = "CREATE TEMP TABLE voting_round (id bigint, status varchar(10)) ON COMMIT DROP"


def test_runtime_role_may_not_create_a_temporary_table(open_round):
    with pytest.raises(DatabaseError, match="permission denied to create temporary tables"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(SHADOW)


def test_shadowing_round_does_not_unfreeze_a_closed_rounds_costs(open_round, civil):
    r = close(open_round, civil)
    entry = RoundProject.objects.filter(round=r).first()
    with as_owner(connection), pytest.raises(DatabaseError, match="frozen once it opens"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(SHADOW)
            cur.execute("INSERT INTO voting_round VALUES (%s, 'draft')", [r.pk])
            cur.execute("SELECT status FROM voting_round WHERE id = %s", [r.pk])
            assert cur.fetchone()[0] == "draft"  # the shadow is what an unqualified name reads here
            cur.execute("UPDATE voting_roundproject SET cost = cost + 1000000 WHERE id = %s", [entry.pk])
    assert RoundProject.objects.get(pk=entry.pk).cost == entry.cost


def test_shadowing_round_does_not_open_a_closed_round_to_ballots(open_round, civil):
    r = close(open_round, civil)
    with as_owner(connection), pytest.raises(DatabaseError, match="not open for ballots"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(SHADOW)
            cur.execute("INSERT INTO voting_round VALUES (%s, 'open')", [r.pk])
            _participation_insert(cur, r.pk)


def _participation_insert(cur, round_id):
    # Fill every NOT NULL column with a plausible value so only the guard can refuse the row.
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'voting_participation' "
        "AND table_schema = current_schema() AND is_nullable = 'NO' AND column_default IS NULL"
    )
    columns = {"round_id": round_id}
    for name, kind in cur.fetchall():
        if name in columns:
            continue
        if name.endswith("_id"):
            cur.execute(
                "SELECT ccu.table_name FROM information_schema.key_column_usage kcu "
                "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = kcu.constraint_name "
                "WHERE kcu.table_name = 'voting_participation' AND kcu.column_name = %s", [name])
            row = cur.fetchone()
            cur.execute(f"SELECT id FROM {row[0]} ORDER BY id LIMIT 1") if row else None
            found = cur.fetchone() if row else None
            columns[name] = found[0] if found else 1
        elif "time" in kind or "date" in kind:
            columns[name] = "2026-01-01T00:00:00Z"
        elif kind in ("integer", "bigint", "smallint", "numeric"):
            columns[name] = 0
        elif kind == "boolean":
            columns[name] = False
        elif kind == "uuid":
            columns[name] = "00000000-0000-0000-0000-000000000001"
        else:
            columns[name] = "x"
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    cur.execute(f"INSERT INTO voting_participation ({names}) VALUES ({marks})", list(columns.values()))


def test_every_trigger_function_pins_its_search_path_with_pg_temp_last(db):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT p.proname, p.proconfig FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
        functions = cur.fetchall()
    assert {"voting_roundproject_frozen", "voting_participation_round_open", "pbcity_append_only"} <= {
        name for name, _ in functions}
    for name, config in functions:
        paths = [c for c in (config or []) if c.startswith("search_path=")]
        assert paths and paths[0].endswith("pg_temp"), f"{name} has no fixed search_path: {config}"
