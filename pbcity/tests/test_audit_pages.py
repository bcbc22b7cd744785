"""The public chain-head page, the kept daily heads e-mailed to the committee, and the committee's
audit page saying whether a proposal's records verify."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pbcity.audit.entries import chain_seal
from pbcity.audit.services import daily_head_keep
from pbcity.management.commands.audit_verify import heads_read
from pbcity.models import AuditDailyHead, AuditEntry
from pbcity.roles import Role
from pbcity.tests.factories import staff
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture
def walked(cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    chain_seal()
    return p


@pytest.mark.parametrize("lang, words", [("zh-hant", "稽核雜湊鏈"), ("en", "Audit chain")])
def test_public_head_page_shows_the_head_to_anyone(client, walked, lang, words):
    head = AuditEntry.objects.order_by("-position").first()
    client.cookies["django_language"] = lang
    response = client.get(reverse("audit:head"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    text = response.content.decode()
    assert words in text and head.entry_hash in text and f"<dd>{head.position}</dd>" in text


def test_empty_chain_page(client, db):
    response = client.get(reverse("audit:head"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "The chain is still empty." in response.content.decode()


def test_daily_head_is_kept_once_and_emailed_to_committee_members(walked, django_capture_on_commit_callbacks,
                                                                   committee_member, tmp_path, client):
    other_member = staff(Role.COMMITTEE)
    chain_seal()  # the role grants' history entries
    head = AuditEntry.objects.filter(position__isnull=False).order_by("-position").first()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        kept = daily_head_keep(day=today)
    assert (kept.position, kept.entry_hash, kept.day) == (head.position, head.entry_hash, today)
    members = {u.email for u in get_user_model().objects.filter(roles__role=Role.COMMITTEE)}
    assert {committee_member.email, other_member.email} < members  # the cast has one too
    assert sorted(m.to[0] for m in mail.outbox) == sorted(members)
    assert head.entry_hash in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_head_keep(day=today).pk == kept.pk
    assert len(mail.outbox) == len(members) and AuditDailyHead.objects.count() == 1
    # The published file is what audit_verify --heads reads.
    text = client.get(reverse("audit:heads_text")).content.decode()
    heads = tmp_path / "heads.txt"
    heads.write_text(text)
    assert heads_read(heads) == {head.position: head.entry_hash}


def test_a_day_before_the_first_entry_keeps_nothing(walked):
    assert daily_head_keep(day=timezone.localdate() - datetime.timedelta(days=30)) is None


def test_committee_audit_page_says_the_proposal_verifies(client, walked, committee_member):
    client.force_login(committee_member)
    response = client.get(reverse("proposals:audit", args=[walked.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Verified: every audit record of this proposal is in the hash chain" in response.content.decode()


def test_committee_audit_page_flags_a_forged_withdrawal(client, walked, committee_member):
    # Even the runtime role may INSERT into an audit table (an SQL injection could): no entry, flagged.
    with connection.cursor() as cur:
        cur.execute("INSERT INTO proposals_transitionlog (proposal_id, transition, from_state, to_state, reason, "
                    "created_at) VALUES (%s, 'withdraw', 'agencies_assigned', 'withdrawn', 'x', clock_timestamp())",
                    [walked.pk])
    client.force_login(committee_member)
    text = client.get(reverse("proposals:audit", args=[walked.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Does not verify" in text
    assert "a record without a chain entry (inserted outside the platform)" in text
    assert f"proposal {walked.pk} is &#x27;agencies_assigned&#x27; but its last logged transition is to " \
           "&#x27;withdrawn&#x27;" in text


def test_nightly_task_alerts_the_committee_when_the_chain_does_not_verify(walked, committee_member,
                                                                         django_capture_on_commit_callbacks):
    from pbcity.audit.tasks import audit_daily_head

    with django_capture_on_commit_callbacks(execute=True):
        audit_daily_head()
    assert not [m for m in mail.outbox if "驗證失敗" in m.subject]  # intact: no alarm
    with connection.cursor() as cur:
        cur.execute("INSERT INTO proposals_consent (proposer_id, kind, given, note, recorded_at) "
                    "SELECT id, 'merge', true, '', now() FROM proposals_proposalproposer LIMIT 1")
    with django_capture_on_commit_callbacks(execute=True):
        audit_daily_head()
    alarms = [m for m in mail.outbox if m.subject.endswith("稽核雜湊鏈驗證失敗")]
    assert committee_member.email in {m.to[0] for m in alarms}
    assert "forged_insert: proposals.consent" in alarms[0].body
