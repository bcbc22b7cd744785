"""Migration 0010 gives role assignments made before their history a '+' record as of their grant, with a
chain entry, so the audit checks see who held which role (and the chain does not read them as forged)."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pbcity.audit.dbsetup import guards_install
from pbcity.audit.entries import chain_seal
from pbcity.audit.verify import chain_verify
from pbcity.dbroles import as_owner, owner_credentials

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")]

BEFORE, AFTER = ("pbcity", "0009_mfa_enrolment_links"), ("pbcity", "0010_audit_watch_and_role_history")


def test_existing_role_assignments_get_their_history_and_chain_entries(django_user_model):
    try:
        with as_owner(connection):
            executor = MigrationExecutor(connection)
            executor.migrate([BEFORE])
            old = executor.loader.project_state([BEFORE]).apps
            user = old.get_model("pbcity", "User").objects.create(email="old-staff@example.tw")
            ra = old.get_model("pbcity", "RoleAssignment").objects.create(user_id=user.pk, role="civil_affairs")
            executor = MigrationExecutor(connection)
            executor.loader.build_graph()
            executor.migrate([AFTER])
    finally:
        with as_owner(connection):
            # Back to the newest schema: the migrations after AFTER (and other apps' that depend on them)
            # were unapplied by the step back, and the tests after this one need them.
            executor = MigrationExecutor(connection)
            executor.loader.build_graph()
            executor.migrate(executor.loader.graph.leaf_nodes())
            guards_install()  # triggers and grants of the re-created tables, as migrate's post_migrate does
    from pbcity.models import RoleAssignment

    history = RoleAssignment.history.model.objects.get(id=ra.pk)
    assert (history.history_type, history.history_date, history.role) == ("+", ra.granted_at, "civil_affairs")
    chain_seal()
    report = chain_verify()
    assert report.forged is None and report.broken is None and report.ok, report.all_problems()
