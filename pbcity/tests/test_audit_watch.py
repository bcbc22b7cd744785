"""Issue 15, items 4 and 6: the head is witnessed outside the database, and a scheduled verification
notices a tamper without anyone running a command: within one period the pages carry a red notice,
the committee is alerted and /healthz names it."""
import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pbcity.audit import invariants
from pbcity.audit.entries import chain_seal
from pbcity.audit.invariants import Problem
from pbcity.audit.services import WITNESS_FILE, head_witness, verification_run
from pbcity.audit.tasks import audit_watch_tick
from pbcity.dbroles import owner_credentials
from pbcity.management.commands.audit_verify import heads_read
from pbcity.models import AuditEntry, AuditWitness, VerificationRun
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from voting.tests.round_helpers import cast_people, civil, open_round, projects  # noqa: F401

pytestmark = pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")


pytestmark = [pytestmark, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def walked(district, other_district, cycle):
    p = Cast(district, other_district).walk(cycle, State.IN_ASSESSMENT)
    chain_seal()
    return p


@pytest.fixture
def vote_open(monkeypatch):
    monkeypatch.setitem(invariants._BUSY, "test.vote_open", lambda: True)


def _tamper(p):
    with connection.cursor() as cur:  # the runtime role, around the lifecycle
        cur.execute("UPDATE proposals_proposal SET state = 'withdrawn' WHERE id = %s", [p.pk])


def test_a_tamper_is_on_the_pages_in_the_committees_inbox_and_in_healthz_after_one_tick(
        walked, client, committee_member, django_capture_on_commit_callbacks, vote_open):
    with django_capture_on_commit_callbacks(execute=True):
        audit_watch_tick()
    assert all(r.ok for r in VerificationRun.objects.all())
    page = client.get(walked.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "audit-notice" not in page
    mail.outbox.clear()

    _tamper(walked)
    with django_capture_on_commit_callbacks(execute=True):
        done = audit_watch_tick()  # the next tick, five minutes later during a vote
    assert done["verified"] and done["busy"]
    run = VerificationRun.objects.filter(kind="audit").order_by("-ran_at").first()
    assert not run.ok and f"proposals.proposal:{walked.pk}" in run.subjects

    page = client.get(walked.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "audit-notice" in page and "may have been tampered with" in page
    audit_page = client.get(reverse("audit:head"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the latest scheduled verification failed" in audit_page
    assert f"proposal {walked.pk} is &#x27;withdrawn&#x27; but its history says" in audit_page
    health = client.get("/healthz").json()
    assert health["status"] == "error" and health["audit"].startswith("error: audit does not verify")
    alerts = [m for m in mail.outbox if committee_member.email in m.to]
    assert alerts and f"proposals.proposal:{walked.pk}" in alerts[0].body

    # The same failure on the next tick: still shown, no second alert the same day.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        audit_watch_tick()
    assert not mail.outbox
    assert "audit-notice" in client.get(walked.get_absolute_url()).content.decode()


def test_an_untouched_proposal_carries_no_notice_when_another_fails(walked, district, other_district, cycle, client):
    other = Cast(district, other_district).walk(cycle, State.RAISED)
    _tamper(walked)
    verification_run()
    assert "audit-notice" in client.get(walked.get_absolute_url()).content.decode()
    assert "audit-notice" not in client.get(other.get_absolute_url()).content.decode()


def test_without_a_vote_the_watch_verifies_hourly(walked):
    audit_watch_tick()
    _tamper(walked)
    assert audit_watch_tick()["verified"] is False  # within the hour: not yet
    later = timezone.now() + datetime.timedelta(minutes=56)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        assert audit_watch_tick()["verified"] is True
    assert not VerificationRun.objects.filter(kind="audit").order_by("-ran_at").first().ok


def test_a_failing_board_shows_on_the_rounds_board_page_with_the_witnessed_head(monkeypatch, client, open_round,
                                                                               committee_member):
    # The ballot verifier's answer is stubbed here (ballot tampering itself: voting/tests/test_board_tamper.py);
    # what is tested is that its failure reaches this round's board page, and the witnessed head is shown.
    assert invariants.is_busy()  # an open round: the watch is tight
    audit_watch_tick()
    witness = AuditWitness.objects.order_by("-witnessed_at").first()
    page = client.get(reverse("voting:board", args=[open_round.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "audit-notice" not in page and witness.entry_hash in page
    monkeypatch.setitem(invariants._VERIFIERS, "ballots", lambda: [
        Problem(ref=f"voting.round:{open_round.pk}", detail="the board does not verify",
                subject=f"voting.round:{open_round.pk}")])
    audit_watch_tick()
    page = client.get(reverse("voting:board", args=[open_round.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "audit-notice" in page and "Ballot boards: does not verify" in page
    assert client.get("/healthz").json()["audit"].startswith("error: ballots does not verify")


def test_witnessed_heads_go_to_the_file_heads_txt_and_catch_a_consistent_rewrite(
        walked, settings, tmp_path, client, committee_member, django_capture_on_commit_callbacks):
    settings.AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    with django_capture_on_commit_callbacks(execute=True):
        w = head_witness(during_vote=True)
    head = AuditEntry.objects.order_by("-position").first()
    assert (w.position, w.entry_hash, w.emailed) == (head.position, head.entry_hash, True)
    assert head_witness(during_vote=True) is None  # nothing new to witness
    line = (tmp_path / "witness" / WITNESS_FILE).read_text().splitlines()[-1]
    assert line.startswith(f"{head.position} {head.entry_hash} ")
    published = client.get(reverse("audit:heads_text")).content.decode()
    assert f"{head.position} {head.entry_hash} " in published
    (tmp_path / "downloaded.txt").write_text(published)
    assert heads_read(tmp_path / "downloaded.txt") == {head.position: head.entry_hash}  # audit_verify's reader
    assert any(head.entry_hash in m.body for m in mail.outbox if committee_member.email in m.to)
    ok = io.StringIO()
    call_command("audit_verify", "--heads", str(tmp_path / "witness" / WITNESS_FILE), stdout=ok)
    assert "published heads given: 1" in ok.getvalue()

    # A new head during the vote is witnessed but not e-mailed again within the hour.
    _tamper_free_write(walked)
    w2 = head_witness(during_vote=True)
    assert w2.position > w.position and not w2.emailed
    assert len((tmp_path / "witness" / WITNESS_FILE).read_text().splitlines()) == 2

    # The owner rewrites the first record and re-seals the whole chain consistently: the database alone
    # verifies, the witnessed heads do not.
    _owner_rewrite_first_record()
    call_command("audit_verify", stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", "--heads", str(tmp_path / "witness" / WITNESS_FILE), stdout=out)
    assert f"BROKEN at position {w.position}" in out.getvalue() and "head_missing" in out.getvalue()


def _owner_rewrite_first_record():
    from pbcity.audit import chain
    from pbcity.audit.entries import ref_of, rows_content
    from pbcity.dbroles import as_owner
    from proposals.models import TransitionLog

    entries = list(AuditEntry.objects.filter(position__isnull=False).order_by("position"))
    log = TransitionLog.objects.order_by("id").first()
    with as_owner(connection), connection.cursor() as cur:
        cur.execute("ALTER TABLE proposals_transitionlog DISABLE TRIGGER USER")
        cur.execute("UPDATE proposals_transitionlog SET reason = '改寫' WHERE id = %s", [log.pk])
        cur.execute("ALTER TABLE proposals_transitionlog ENABLE TRIGGER USER")
        content = rows_content(TransitionLog, [log.pk])[str(log.pk)]
        prev = chain.GENESIS
        cur.execute("ALTER TABLE pbcity_auditentry DISABLE TRIGGER USER")
        for e in entries:
            c = chain.content_hash(content) if (e.table, e.row_pk) == ("proposals.transitionlog", str(log.pk)) \
                else e.content_hash
            h = chain.link_hash(prev, c, position=e.position, ref=ref_of(e.table, e.row_pk))
            cur.execute("UPDATE pbcity_auditentry SET content_hash = %s, prev_hash = %s, entry_hash = %s "
                        "WHERE id = %s", [c, prev, h, e.pk])
            prev = h
        cur.execute("ALTER TABLE pbcity_auditentry ENABLE TRIGGER USER")


def _tamper_free_write(p):
    from proposals.models import Consent

    proposer = p.proposers.first()
    Consent.objects.create(proposer=proposer, kind="merge", given=True, recorded_by=None)
    chain_seal()


def test_a_cached_public_page_shows_the_notice_as_soon_as_the_run_fails(walked, client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "audit-watch-tests"}}
    settings.PAGE_CACHE = True
    from django.core.cache import cache

    cache.clear()
    verification_run()
    url = walked.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    _tamper(walked)
    verification_run()
    again = client.get(url)
    assert again["X-Page-Cache"] == "miss" and "audit-notice" in again.content.decode()
    cache.clear()


def test_an_ok_run_forged_into_the_future_hides_nothing(walked, client):
    _tamper(walked)
    with connection.cursor() as cur:  # the runtime role may INSERT runs; it dates one far ahead
        cur.execute("INSERT INTO pbcity_verificationrun (kind, ran_at, ok, head_hash, problems, alerted) "
                    "VALUES ('audit', now() + interval '10 years', true, '', '[]', false)")
    verification_run()
    assert "audit-notice" in client.get(walked.get_absolute_url()).content.decode()
    assert client.get("/healthz").json()["audit"].startswith("error: audit does not verify")
