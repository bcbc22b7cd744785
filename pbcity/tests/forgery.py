"""Forge records the way a stolen runtime role can: plain SQL on this connection (the runtime role in
scripts/test.sh), plus the chain entries the platform would write, so the chain itself verifies and only
the cross-record invariants can tell (issue 15, item 4)."""
from django.db import connection

from pbcity.audit.entries import chain_seal, entries_record


def sql(statement, params=()):
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchone() if cur.description else None


def insert(table: str, values: dict):
    """INSERT a row as the runtime role; returns its id."""
    names = ", ".join(f'"{k}"' for k in values)
    marks = ", ".join(["%s"] * len(values))
    return sql(f'INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id', list(values.values()))[0]


def history_copy(model, pk, **changes):
    """A new history record for `model` row `pk`: its last one with `changes` (what the application
    would have written), inserted in SQL; returns the history id."""
    from django.utils import timezone

    history = model.history.model
    last = history._base_manager.filter(id=pk).order_by("-history_date", "-history_id").values().first()
    row = {k: v for k, v in last.items() if k != "history_id"}
    row.update({"history_date": timezone.now(), "history_type": "~", **changes})
    names = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join(["%s"] * len(row))
    return sql(f"INSERT INTO {history._meta.db_table} ({names}) VALUES ({marks}) RETURNING history_id",
               list(row.values()))[0]


def seal(model, *pks):
    """Give forged rows the chain entries the platform would (the runtime role may INSERT entries), sealed."""
    entries_record(model=model, pks=list(pks))
    chain_seal()


def verify(command: str = "audit_verify") -> tuple[bool, str]:
    """Run a verifier as the beat and an outsider do: (passed?, what it printed). A failure exits 1."""
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    try:
        call_command(command, stdout=out)
    except CommandError as exc:
        assert exc.returncode == 1  # manage.py exits 1
        return False, out.getvalue()
    return True, out.getvalue()
