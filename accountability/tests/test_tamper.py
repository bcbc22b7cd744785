"""Meetings, items, decisions and hearing records are append-only audit records on the chain."""
import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accountability import services
from accountability.models import Decision, Meeting
from pbcity.audit import audit_spec
from pbcity.audit.dbsetup import audit_tables
from pbcity.dbroles import as_owner, owner_credentials
from pbcity.models import AuditEntry

pytestmark = pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")

TABLES = ("accountability_meeting", "accountability_meetingitem", "accountability_attendance",
          "accountability_minutes", "accountability_decision", "accountability_followupreport",
          "accountability_hearing", "accountability_hearingrecord", "accountability_opposition",
          "accountability_oppositionstep")


def _decided(cast, cycle, project):
    meeting = services.meeting_plan(actor=cast["committee"], cycle=cycle, title="會議", held_on=timezone.localdate(),
                                    place="市府")
    item = services.meeting_item_add(meeting=meeting, actor=cast["committee"], title="協調", project=project)
    return services.item_decide(item=item, actor=cast["committee"], code="approve", reason="同意")


@pytest.mark.django_db
def test_every_record_is_an_append_only_audit_table():
    tables = audit_tables()
    for table in TABLES:
        assert table in tables and tables[table] is None


@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE {t} SET id = id", "DELETE FROM {t}", "TRUNCATE {t} CASCADE"])
def test_the_runtime_role_cannot_rewrite_a_decision(cast, cycle, project, sql):
    d = _decided(cast, cycle, project)
    for table in ("accountability_decision", "accountability_meeting", "accountability_meetingitem"):
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql.format(t=table))
    assert Decision.objects.get(pk=d.pk).reason == "同意"


@pytest.mark.django_db(transaction=True)
def test_even_the_owner_meets_the_trigger_and_the_decision_is_chained(cast, cycle, project):
    d = _decided(cast, cycle, project)
    assert audit_spec(Decision) and audit_spec(Meeting)
    assert AuditEntry.objects.filter(table="accountability.decision", row_pk=str(d.pk)).exists()
    for sql in ("UPDATE accountability_decision SET code = 'return'", "DELETE FROM accountability_meetingitem"):
        with pytest.raises(DatabaseError, match="refused"), as_owner(connection), connection.cursor() as cur:
            cur.execute(sql)
    assert Decision.objects.get(pk=d.pk).code == "approve"
