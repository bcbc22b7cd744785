"""An assembly's items may change until the vote closes; their results are then sealed in the chain."""
import pytest
from django.db import DatabaseError, connection, transaction

from assemblies import services
from assemblies.models import Vote
from assemblies.tests.conftest import in_session, lead, planned, record, recorder  # noqa: F401 - fixtures
from pbcity.audit.verify import chain_verify
from pbcity.dbroles import owner_credentials
from pbcity.models import AuditEntry

pytestmark = pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")


def _sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def test_item_results_are_sealed_when_the_vote_closes(in_session, recorder, district_staff,  # noqa: F811
                                                      django_capture_on_commit_callbacks):
    a, people = in_session["assembly"], in_session["people"]
    item = record(in_session, recorder, "甲案")
    assert not AuditEntry.objects.filter(table="assemblies.assemblyproposal").exists()
    assert _sql("UPDATE assemblies_assemblyproposal SET table_id = table_id WHERE id = %s", [item.pk]) == 1
    a = services.vote_open(assembly=a, actor=district_staff)
    for att in people[:3]:
        services.vote_cast(assembly=a, code=att.code, item_id=item.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.assembly_close(assembly=a, actor=district_staff)
    item.refresh_from_db()
    assert item.passed is True
    assert AuditEntry.objects.filter(table="assemblies.assemblyproposal", row_pk=str(item.pk)).count() == 1
    assert AuditEntry.objects.filter(table="assemblies.vote").count() == Vote.objects.count() == 3
    for sql in ("UPDATE assemblies_assemblyproposal SET votes = 99 WHERE id = %s",
                "DELETE FROM assemblies_assemblyproposal WHERE id = %s"):
        with pytest.raises(DatabaseError, match="sealed row"):
            _sql(sql, [item.pk])
    with pytest.raises(DatabaseError, match="permission denied"):
        _sql("DELETE FROM assemblies_vote")
    assert chain_verify().ok
