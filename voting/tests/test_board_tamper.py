"""The board's chain: an untouched board verifies; changing, deleting, inserting or reordering a ballot
row directly in SQL (as the owner role, triggers off) makes `ballots_verify` name the first broken link."""

import pytest
from django.db import connection

from pbcity.audit import chain
from pbcity.dbroles import as_owner
from pbcity.tests.forgery import verify
from voting.models import BallotSeal, BoardHead, Round
from voting.services import board as board_services

from .round_helpers import cast, cast_people, civil, close, open_round, projects, voters  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)




def _owner(*statements):
    tables = ("voting_ballot", "voting_ballotchoice", "voting_ballotseal", "voting_participation")
    with as_owner(connection), connection.cursor() as cur:
        for t in tables:
            cur.execute(f"ALTER TABLE {t} DISABLE TRIGGER USER")
        try:
            for sql in statements:
                cur.execute(sql)
        finally:
            for t in tables:
                cur.execute(f"ALTER TABLE {t} ENABLE TRIGGER USER")


@pytest.fixture
def board(open_round, voters, projects, civil):
    # Seal some ballots during the vote (a published daily head), the rest at close.
    for v in voters[:3]:
        cast(open_round, v, projects[:2])
    board_services.seal_pending(round_=open_round)
    for v in voters[3:]:
        cast(open_round, v, projects[1:2])
    r = close(open_round, civil)
    seals = list(BallotSeal.objects.filter(round=r).order_by("position").select_related("ballot"))
    assert [s.position for s in seals] == [1, 2, 3, 4, 5]
    return r, seals


def test_untouched_board_verifies(board):
    r, seals = board
    ok, out = verify("ballots_verify")
    assert ok and f"OK round {r.pk}" in out and r.board_head in out
    assert r.board_head == seals[-1].entry_hash
    assert BoardHead.objects.get(round=r).position == 5


def test_changed_choice_is_the_first_broken_link(board, projects):
    r, seals = board
    # projects[1] is on every ballot: the board's order is shuffled at opening, so position 2 may be either kind.
    _owner(f"UPDATE voting_ballotchoice SET proposal_id = {projects[3].pk} "
           f"WHERE ballot_id = '{seals[1].ballot_id}' AND proposal_id = {projects[1].pk}")
    ok, out = verify("ballots_verify")
    assert not ok and f"position 2 ({seals[1].ballot.receipt}): {chain.CONTENT_CHANGED}" in out


def test_changed_receipt_is_detected(board):
    r, seals = board
    _owner(f"UPDATE voting_ballot SET receipt = 'AAAA-AAAA-AAAA-AAAA' WHERE id = '{seals[3].ballot_id}'")
    ok, out = verify("ballots_verify")
    assert not ok and "position 4" in out


def test_deleted_ballot_is_detected(board):
    # The foreign keys keep a sealed ballot from going alone, so the deletion takes its seal too.
    r, seals = board
    b = seals[2].ballot_id
    _owner(f"DELETE FROM voting_ballotseal WHERE ballot_id = '{b}'",
           f"DELETE FROM voting_ballotchoice WHERE ballot_id = '{b}'", f"DELETE FROM voting_ballot WHERE id = '{b}'")
    ok, out = verify("ballots_verify")
    assert not ok and f"position 4 ({seals[3].ballot.receipt}): {chain.ORDER_CHANGED}" in out


def test_deleted_ballot_with_the_later_entries_renumbered_is_detected(board):
    r, seals = board
    b = seals[2].ballot_id
    _owner(f"DELETE FROM voting_ballotseal WHERE ballot_id = '{b}'",
           f"DELETE FROM voting_ballotchoice WHERE ballot_id = '{b}'", f"DELETE FROM voting_ballot WHERE id = '{b}'",
           f"UPDATE voting_ballotseal SET position = position - 1 WHERE round_id = {r.pk} AND position > 3")
    ok, out = verify("ballots_verify")
    assert not ok and "position 3" in out and chain.PREV_MISMATCH in out


def test_deleted_ballot_with_its_seal_at_the_end_is_detected(board):
    r, seals = board
    b = seals[4].ballot_id
    _owner(f"DELETE FROM voting_ballotseal WHERE ballot_id = '{b}'",
           f"DELETE FROM voting_ballotchoice WHERE ballot_id = '{b}'", f"DELETE FROM voting_ballot WHERE id = '{b}'")
    ok, out = verify("ballots_verify")
    assert not ok and chain.HEAD_MISSING in out and "position 5" in out


def test_inserted_ballot_without_a_seal_is_detected(board, projects):
    r, seals = board
    _owner("INSERT INTO voting_ballot (id, round_id, receipt) "
           f"VALUES (gen_random_uuid(), {r.pk}, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ')")
    ok, out = verify("ballots_verify")
    assert not ok and chain.FORGED_INSERT in out and "ZZZZ-ZZZZ-ZZZZ-ZZZZ" in out


def test_inserted_ballot_with_a_forged_seal_in_the_middle_is_detected(board):
    r, seals = board
    # Shift positions 3.. up by one and put a forged ballot at 3 with a well-formed but new link.
    _owner(
        f"UPDATE voting_ballotseal SET position = position + 100 WHERE round_id = {r.pk} AND position >= 3",
        f"UPDATE voting_ballotseal SET position = position - 99 WHERE round_id = {r.pk} AND position >= 100",
        f"INSERT INTO voting_ballot (id, round_id, receipt) VALUES ('00000000-0000-0000-0000-000000000001', {r.pk}, "
        f"'YYYY-YYYY-YYYY-YYYY')",
        "INSERT INTO voting_ballotseal (round_id, position, ballot_id, content_hash, prev_hash, entry_hash, "
        "sealed_at) "
        f"VALUES ({r.pk}, 3, '00000000-0000-0000-0000-000000000001', 'x', '{seals[1].entry_hash}', 'y', now())",
    )
    ok, out = verify("ballots_verify")
    assert not ok and "position 3 (YYYY-YYYY-YYYY-YYYY)" in out


def test_reordered_ballots_are_detected(board):
    r, seals = board
    a, b = seals[0].ballot_id, seals[1].ballot_id
    _owner(
        f"UPDATE voting_ballotseal SET position = 99 WHERE ballot_id = '{a}'",
        f"UPDATE voting_ballotseal SET position = 1 WHERE ballot_id = '{b}'",
        f"UPDATE voting_ballotseal SET position = 2 WHERE ballot_id = '{a}'",
    )
    ok, out = verify("ballots_verify")
    assert not ok and "position 1" in out


def test_tally_refuses_a_broken_board(board, civil):
    from django.core.exceptions import ValidationError

    from voting.services.tally import round_tally_run

    r, seals = board
    _owner(f"DELETE FROM voting_ballotchoice WHERE ballot_id = '{seals[0].ballot_id}'")
    Round.objects.filter(pk=r.pk).update(tally_by=civil)
    with pytest.raises(ValidationError, match="does not verify|公告欄驗證失敗"):
        round_tally_run(round_id=r.pk)
    r.refresh_from_db()
    assert r.status == Round.Status.CLOSED and r.tally_step == "failed"
