"""Issue 15, item 6: a tampered board is noticed by the scheduled verification, without a command: the
round's board page carries the red notice, /healthz names it, the committee is alerted."""
import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from pbcity.audit.tasks import audit_watch_tick
from pbcity.dbroles import as_owner, owner_credentials
from pbcity.models import VerificationRun
from voting.models import SealedBallot
from voting.services import board as board_services

from .round_helpers import cast, cast_people, civil, open_round, projects, voters  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")]


def test_a_changed_choice_during_the_vote_shows_on_the_board_page_after_one_tick(
        open_round, voters, projects, client, committee_member, django_capture_on_commit_callbacks):
    for v in voters[:3]:
        cast(open_round, v, projects[:2])
    board_services.seal_pending(round_=open_round)
    assert audit_watch_tick()["verified"]  # a round is open: every tick verifies
    assert VerificationRun.objects.get(kind="ballots").ok
    url = reverse("voting:board", args=[open_round.pk])
    assert "audit-notice" not in client.get(url).content.decode()

    # During the vote the box holds ciphertexts (the board is written when it is opened): the owner swaps
    # one voter's ciphertext for another's.
    first, second = SealedBallot.objects.filter(round=open_round).order_by("position")[:2]
    with as_owner(connection), connection.cursor() as cur:
        cur.execute("ALTER TABLE voting_sealedballot DISABLE TRIGGER USER")
        cur.execute("UPDATE voting_sealedballot SET ciphertext = %s WHERE id = %s",
                    [bytes(first.ciphertext), second.pk])
        cur.execute("ALTER TABLE voting_sealedballot ENABLE TRIGGER USER")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_watch_tick()["verified"]  # the next tick, five minutes later
    run = VerificationRun.objects.filter(kind="ballots").order_by("-ran_at", "-id").first()
    assert not run.ok and run.subjects == {f"voting.round:{open_round.pk}"}
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "audit-notice" in page and "Ballot boards: does not verify" in page
    assert client.get("/healthz").json()["audit"].startswith("error: ballots does not verify")
    assert any(committee_member.email in m.to and f"voting.round:{open_round.pk}" in m.body for m in mail.outbox)
