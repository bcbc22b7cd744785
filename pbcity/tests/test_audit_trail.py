"""The audit trail proves itself: least-privileged runtime role, append-only tables, a verifiable chain.

Tampering is done as the owner role (the runtime role may not even try); `audit_verify` must name the
first broken entry. See docs/security.md, "Database roles" and "Audit chain".
"""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pbcity.audit import audited_models, chain
from pbcity.audit.dbsetup import audit_tables
from pbcity.audit.entries import chain_seal
from pbcity.audit.verify import chain_verify, rows_verify
from pbcity.dbroles import as_owner, owner_credentials, runtime_role
from pbcity.models import AuditEntry
from pbcity.tests.forgery import verify
from proposals.models import Proposal, TransitionLog
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def _walked(cast, cycle) -> Proposal:
    # Transitions, proposal history, co-agency (m2m) history and consents: every kind of audit row.
    return cast.walk(cycle, State.IN_ASSESSMENT)




def _owner(*statements):
    with as_owner(connection), connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def _entry(table, pk) -> AuditEntry:
    return AuditEntry.objects.get(table=table, row_pk=str(pk))


# -- the runtime role ------------------------------------------------------------------------------

def test_tests_run_as_the_runtime_role(db):
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == runtime_role() != owner_credentials()["USER"]


def test_every_audit_table_is_known(db):
    tables = audit_tables()
    for table in ("proposals_transitionlog", "proposals_historicalproposal", "proposals_historicalproposal_co_agencies",
                  "proposals_consent", "assemblies_vote", "assemblies_tiebreak", "assemblies_assemblyproposal",
                  "training_historicalattendance", "training_historicalcitizencard", "pbcity_auditdailyhead"):
        assert table in tables
    assert tables["assemblies_assemblyproposal"] == "passed"


@pytest.mark.parametrize("sql, refused", [
    ("TRUNCATE {t}", "permission denied"),
    ("UPDATE {t} SET id = id", "permission denied"),
    ("DELETE FROM {t}", "permission denied"),
    ("ALTER TABLE {t} DISABLE TRIGGER USER", "must be owner"),
    ("ALTER TABLE {t} ADD COLUMN x int", "must be owner"),
    ("DROP TABLE {t}", "must be owner"),
])
def test_runtime_role_cannot_rewrite_any_audit_table(db, sql, refused):
    for table, sealed_by in audit_tables().items():
        if sealed_by and sql.startswith(("UPDATE", "DELETE")):
            continue  # a sealed-by table is guarded row by row (test_sealed_rows_refuse_change)
        with pytest.raises(DatabaseError, match=refused), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql.format(t=connection.ops.quote_name(table)))


@pytest.mark.parametrize("sql, refused", [
    ("CREATE TABLE pbcity_forged (id int)", "permission denied for schema"),
    ("TRUNCATE pbcity_district", "permission denied"),
    ("UPDATE pbcity_auditentry SET content_hash = 'x'", "permission denied"),
    ("DELETE FROM pbcity_auditentry", "permission denied"),
    ("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())", "permission denied"),
    ("ALTER FUNCTION pbcity_append_only() RENAME TO x", "must be owner"),
])
def test_runtime_role_has_no_ddl_and_no_audit_rewrite(db, sql, refused):
    with pytest.raises(DatabaseError, match=refused), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)


def test_runtime_role_lacks_what_any_append_only_trigger_refuses(db):
    """Tables other apps made append-only in their migrations get the same least privilege."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, t.tgtype & 16 <> 0, t.tgtype & 8 <> 0 FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname = 'pbcity_append_only' AND t.tgtype & 1 = 1"
        )
        rows = cur.fetchall()
        assert len(rows) >= len(audit_tables())
        for table, no_update, no_delete in rows:
            for privilege, refused in (("UPDATE", no_update), ("DELETE", no_delete), ("TRUNCATE", True)):
                cur.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege])
                assert cur.fetchone()[0] is not refused, (table, privilege)


def test_runtime_role_still_writes_ordinary_tables(db, district):
    with connection.cursor() as cur:
        cur.execute("UPDATE pbcity_district SET name = name WHERE id = %s", [district.pk])
        assert cur.rowcount == 1


# -- entries and the chain ---------------------------------------------------------------------------

def test_every_audit_row_gets_an_entry_and_the_chain_verifies(cast, cycle):
    p = _walked(cast, cycle)
    labels = {m._meta.label_lower for m in audited_models()}
    tables = set(AuditEntry.objects.values_list("table", flat=True))
    assert {"proposals.transitionlog", "proposals.historicalproposal", "proposals.consent",
            "proposals.historicalproposal_co_agencies"} <= tables <= labels
    assert chain_seal() > 0
    assert AuditEntry.objects.filter(position__isnull=True).count() == 0
    report = chain_verify()
    assert report.ok, report
    assert report.head.position == AuditEntry.objects.count() == report.entries
    assert rows_verify([TransitionLog.objects.filter(proposal=p)]) == []


def test_seal_links_in_order_and_is_idempotent(cast, cycle):
    _walked(cast, cycle)
    chain_seal()
    assert chain_seal() == 0
    entries = list(AuditEntry.objects.order_by("position"))
    assert [e.position for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:]))


def test_verify_seals_pending_entries_and_reports_ok(cast, cycle):
    _walked(cast, cycle)
    ok, out = verify()
    assert ok, out
    assert "OK" in out and f"position {AuditEntry.objects.count()}" in out


def test_state_cross_check_names_the_proposal(cast, cycle):
    p = _walked(cast, cycle)
    with connection.cursor() as cur:  # a path around the lifecycle (the ORM refuses it)
        cur.execute("UPDATE proposals_proposal SET state = 'withdrawn' WHERE id = %s", [p.pk])
    ok, out = verify()
    assert not ok
    assert (f"INVARIANT proposals.state_follows_transitions: proposals.proposal:{p.pk} — proposal {p.pk} is "
            "'withdrawn' but its last logged transition is to 'in_assessment'") in out
    assert f"proposal {p.pk} is 'withdrawn' but its history says 'in_assessment'" in out


# -- tampering as the owner role ------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_owner_meets_the_triggers(cast, cycle):
    _walked(cast, cycle)
    for sql in ("UPDATE proposals_transitionlog SET reason = 'x'", "DELETE FROM proposals_historicalproposal",
                "TRUNCATE proposals_consent CASCADE", "UPDATE pbcity_auditentry SET content_hash = 'x'",
                "DELETE FROM pbcity_auditentry"):
        with pytest.raises(DatabaseError, match="refused"):
            _owner(sql)
    assert verify()[0]


@pytest.mark.django_db(transaction=True)
def test_untouched_database_verifies_and_published_heads_match(cast, cycle, tmp_path):
    _walked(cast, cycle)
    chain_seal()
    heads = tmp_path / "heads.txt"
    heads.write_text("".join(f"{e.position} {e.entry_hash}\n" for e in AuditEntry.objects.all()[:3]))
    out = io.StringIO()
    call_command("audit_verify", "--heads", str(heads), stdout=out)
    assert "OK" in out.getvalue() and "published heads given: 3" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_update_of_a_transition_is_named(cast, cycle):
    p = _walked(cast, cycle)
    log = TransitionLog.objects.filter(proposal=p).order_by("id")[1]
    chain_seal()
    _owner("ALTER TABLE proposals_transitionlog DISABLE TRIGGER proposals_transitionlog_append_only",
           f"UPDATE proposals_transitionlog SET reason = '竄改' WHERE id = {log.pk}",
           "ALTER TABLE proposals_transitionlog ENABLE TRIGGER proposals_transitionlog_append_only")
    ok, out = verify()
    e = _entry("proposals.transitionlog", log.pk)
    assert not ok
    assert f"BROKEN at position {e.position} (proposals.transitionlog:{log.pk}): {chain.CONTENT_CHANGED}" in out


@pytest.mark.django_db(transaction=True)
def test_deleted_history_row_is_named(cast, cycle):
    p = _walked(cast, cycle)
    chain_seal()
    row = p.history.order_by("history_id")[2]
    _owner("ALTER TABLE proposals_historicalproposal DISABLE TRIGGER USER",
           f"DELETE FROM proposals_historicalproposal_co_agencies WHERE history_id = {row.history_id}",
           f"DELETE FROM proposals_historicalproposal WHERE history_id = {row.history_id}",
           "ALTER TABLE proposals_historicalproposal ENABLE TRIGGER USER")
    ok, out = verify()
    e = _entry("proposals.historicalproposal", row.history_id)
    assert not ok
    ref = f"proposals.historicalproposal:{row.history_id}"
    assert f"BROKEN at position {e.position} ({ref}): {chain.ROW_DELETED}" in out


@pytest.mark.django_db(transaction=True)
def test_forged_withdrawal_is_named(cast, cycle):
    p = _walked(cast, cycle)
    chain_seal()
    _owner("INSERT INTO proposals_transitionlog (proposal_id, transition, from_state, to_state, reason, created_at) "
           f"VALUES ({p.pk}, 'withdraw', 'in_assessment', 'withdrawn', '提案人撤回', now())")
    forged = TransitionLog.objects.filter(proposal=p, transition="withdraw").get()
    ok, out = verify()
    assert not ok
    assert f"FORGED: proposals.transitionlog row {forged.pk} has no chain entry" in out
    assert f"proposal {p.pk} is 'in_assessment' but its last logged transition is to 'withdrawn'" in out
    assert f"proposals.transitionlog:{forged.pk} — 'withdraw' names no actor" in out
    assert rows_verify([TransitionLog.objects.filter(proposal=p)]) == [
        (f"proposals.transitionlog:{forged.pk}", chain.FORGED_INSERT)]


@pytest.mark.django_db(transaction=True)
def test_reordered_entries_are_named(cast, cycle):
    _walked(cast, cycle)
    chain_seal()
    a, b = AuditEntry.objects.order_by("position")[3:5]
    # Swap which rows the two entries stand for (their order), keeping positions and hashes.
    _owner("ALTER TABLE pbcity_auditentry DISABLE TRIGGER USER",
           f"UPDATE pbcity_auditentry SET row_pk = 'tmp', \"table\" = 'tmp' WHERE id = {a.pk}",
           f"UPDATE pbcity_auditentry SET row_pk = '{a.row_pk}', \"table\" = '{a.table}', "
           f"content_hash = '{a.content_hash}' WHERE id = {b.pk}",
           f"UPDATE pbcity_auditentry SET row_pk = '{b.row_pk}', \"table\" = '{b.table}', "
           f"content_hash = '{b.content_hash}' WHERE id = {a.pk}",
           "ALTER TABLE pbcity_auditentry ENABLE TRIGGER USER")
    ok, out = verify()
    assert not ok
    assert f"BROKEN at position {a.position} ({b.table}:{b.row_pk}): {chain.LINK_BROKEN}" in out


@pytest.mark.django_db(transaction=True)
def test_swapped_positions_are_named(cast, cycle):
    _walked(cast, cycle)
    chain_seal()
    a, b = AuditEntry.objects.order_by("position")[3:5]
    _owner("ALTER TABLE pbcity_auditentry DISABLE TRIGGER USER",
           f"UPDATE pbcity_auditentry SET position = 999999 WHERE id = {a.pk}",
           f"UPDATE pbcity_auditentry SET position = {a.position} WHERE id = {b.pk}",
           f"UPDATE pbcity_auditentry SET position = {b.position} WHERE id = {a.pk}",
           "ALTER TABLE pbcity_auditentry ENABLE TRIGGER USER")
    ok, out = verify()
    assert not ok
    assert f"BROKEN at position {a.position} ({b.table}:{b.row_pk}): {chain.PREV_MISMATCH}" in out


@pytest.mark.django_db(transaction=True)
def test_deleted_entry_is_named(cast, cycle):
    _walked(cast, cycle)
    chain_seal()
    gone = AuditEntry.objects.order_by("position")[4]
    _owner("ALTER TABLE pbcity_auditentry DISABLE TRIGGER USER",
           f"DELETE FROM pbcity_auditentry WHERE id = {gone.pk}",
           "ALTER TABLE pbcity_auditentry ENABLE TRIGGER USER")
    ok, out = verify()
    assert not ok
    assert f"BROKEN at position {gone.position + 1}" in out and chain.ORDER_CHANGED in out
    assert f"FORGED: {gone.table} row {gone.row_pk} has no chain entry" in out


@pytest.mark.django_db(transaction=True)
def test_consistent_rewrite_is_caught_only_by_a_published_head(cast, cycle, tmp_path):
    p = _walked(cast, cycle)
    chain_seal()
    entries = list(AuditEntry.objects.order_by("position"))
    heads = tmp_path / "heads.json"
    heads.write_text(f'[{{"position": {entries[-1].position}, "hash": "{entries[-1].entry_hash}"}}]')
    log = TransitionLog.objects.filter(proposal=p).order_by("id")[0]
    # The owner rewrites a row and recomputes every hash from there on: the chain is consistent again.
    _owner("ALTER TABLE proposals_transitionlog DISABLE TRIGGER USER",
           f"UPDATE proposals_transitionlog SET reason = '改寫' WHERE id = {log.pk}",
           "ALTER TABLE proposals_transitionlog ENABLE TRIGGER USER")
    from pbcity.audit.entries import ref_of, rows_content
    content = rows_content(TransitionLog, [log.pk])[str(log.pk)]
    prev = chain.GENESIS
    statements = ["ALTER TABLE pbcity_auditentry DISABLE TRIGGER USER"]
    for e in entries:
        c = chain.content_hash(content) if (e.table, e.row_pk) == ("proposals.transitionlog", str(log.pk)) \
            else e.content_hash
        h = chain.link_hash(prev, c, position=e.position, ref=ref_of(e.table, e.row_pk))
        statements.append(f"UPDATE pbcity_auditentry SET content_hash = '{c}', prev_hash = '{prev}', "
                          f"entry_hash = '{h}' WHERE id = {e.pk}")
        prev = h
    statements.append("ALTER TABLE pbcity_auditentry ENABLE TRIGGER USER")
    _owner(*statements)
    assert verify()[0]  # the database alone cannot tell
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", "--heads", str(heads), stdout=out)
    assert f"BROKEN at position {entries[-1].position}" in out.getvalue()
    assert chain.HEAD_MISSING in out.getvalue()


def test_heads_file_that_cannot_be_read_is_a_clear_error(db, tmp_path):
    bad = tmp_path / "heads.txt"
    bad.write_text("not-a-number abc\n")
    with pytest.raises(CommandError, match="cannot read the heads file"):
        call_command("audit_verify", "--heads", str(bad), stdout=io.StringIO())


# -- concurrency -------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_seal_one_unbroken_chain(cast, cycle):
    """Many transactions writing audit rows at once: every row sealed once, positions 1..n, chain intact."""
    import threading

    from proposals import services
    from proposals.states import ConsentKind

    p = _walked(cast, cycle)
    proposer = p.proposers.get()
    n_threads, per_thread = 8, 5
    barrier = threading.Barrier(n_threads)
    errors = []

    def write():
        try:
            barrier.wait()
            for i in range(per_thread):
                services.consent_record(proposer=proposer, kind=ConsentKind.MERGE, given=bool(i % 2),
                                        actor=cast.proposer)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    before = AuditEntry.objects.count()
    threads = [threading.Thread(target=write) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEntry.objects.count() == before + n_threads * per_thread
    assert AuditEntry.objects.filter(position__isnull=True).count() == 0  # each commit sealed its own
    positions = list(AuditEntry.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert chain_verify().ok
