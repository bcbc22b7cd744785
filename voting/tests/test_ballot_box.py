"""The sealed ballot box (issue 15): the key ceremony, opening the box after close, saved heads against a
consistent owner rewrite, stuffed ballots, and a receipt e-mail that never leaves a user id beside a
receipt."""
import io
import logging
import re
import smtplib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from pbcity.audit import chain
from pbcity.dbroles import as_owner
from pbcity.models import OutboxMessage, TaskFailure
from voting.models import (
    Ballot,
    BallotChoice,
    BallotSeal,
    Participation,
    Round,
    RoundEvent,
    SealedBallot,
    Voter,
    VoterDecision,
)
from voting.models.ballots import ballot_record, box_record
from voting.services import ballot_box as box_services
from voting.services import ballots as ballot_services
from voting.services import board as board_services
from voting.services import rounds as round_services

from .round_helpers import (  # noqa: F401
    PUBLIC_KEY,
    SHARES,
    cast,
    cast_people,
    civil,
    close,
    close_only,
    make_round,
    open_box,
    open_round,
    projects,
    verified_voter,
    voters,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# -- key ceremony -------------------------------------------------------------------------------

def test_any_quorum_of_shares_rebuilds_the_key_and_fewer_or_foreign_ones_do_not():
    public, shares = box_services.round_keys_generate(holders=5, quorum=3)
    for chosen in (shares[:3], shares[2:], [shares[0], shares[2], shares[4]], shares):
        key = box_services.shares_combine(public_key=public, shares=chosen)
        assert key.public_key.encode().hex() == public
    with pytest.raises(ValidationError, match="do not open this round's ballot box"):
        box_services.shares_combine(public_key=public, shares=shares[:2])
    typo = shares[1][:-1] + ("0" if shares[1][-1] != "0" else "1")
    with pytest.raises(ValidationError, match="do not open"):
        box_services.shares_combine(public_key=public, shares=[shares[0], typo, shares[2]])
    _other, foreign = box_services.round_keys_generate(holders=5, quorum=3)
    with pytest.raises(ValidationError, match="belongs to another ballot box"):
        box_services.shares_combine(public_key=public, shares=[shares[0], shares[1], foreign[2]])
    with pytest.raises(ValidationError, match="pbk1-"):
        box_services.shares_combine(public_key=public, shares=["hello", shares[0]])


def test_round_keys_command_prints_the_public_key_and_one_share_per_holder():
    out = io.StringIO()
    call_command("round_keys", "--holders", "4", "--quorum", "2", stdout=out)
    text = out.getvalue()
    public = text.split("public key: ", 1)[1].split()[0]
    shares = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("holder ")]
    assert len(shares) == 4 and len(set(shares)) == 4
    assert box_services.shares_combine(public_key=public, shares=shares[1:3]).public_key.encode().hex() == public


@pytest.mark.django_db
def test_a_round_cannot_open_without_a_public_key(civil, cycle, district, projects):
    r = make_round(civil, cycle, district, public_key="")
    with pytest.raises(ValidationError, match="public key"):
        round_services.round_open(round_=r, actor=civil)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=r.pk).update(status=Round.Status.OPEN)
    with pytest.raises(ValidationError, match="64 hexadecimal"):
        round_services.round_key_set(round_=r, actor=civil, public_key="not a key")
    round_services.round_key_set(round_=r, actor=civil, public_key=PUBLIC_KEY.upper())
    r = round_services.round_open(round_=r, actor=civil)
    assert r.public_key == PUBLIC_KEY
    with pytest.raises(ValidationError, match="cannot change once the round has opened"):
        round_services.round_key_set(round_=r, actor=civil, public_key=PUBLIC_KEY)
    # The database keeps it frozen too.
    with pytest.raises(DatabaseError, match="key is frozen"), transaction.atomic():
        Round.objects.filter(pk=r.pk).update(public_key="0" * 64)


# -- opening the box ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_opening_writes_the_board_in_random_order_and_destroys_the_ciphertexts(open_round, projects, civil, cycle):
    from voting.services.tally import round_tally_start

    people = [verified_voter(cycle, open_round.district) for _i in range(30)]
    cast_ballots = {}
    for i, v in enumerate(people):
        picks = projects[i % 3:i % 3 + 1 + i % 2]
        cast_ballots[cast(open_round, v, picks).receipt] = sorted(p.pk for p in picks)
    # Every ciphertext has one length: its size does not tell how many projects were chosen.
    assert len({len(bytes(c)) for c in SealedBallot.objects.values_list("ciphertext", flat=True)}) == 1
    r = close_only(open_round, civil)
    assert r.box_size == 30 and not Ballot.objects.exists()
    with pytest.raises(ValidationError, match="not been opened"):
        round_tally_start(round_=r, actor=civil)
    with pytest.raises(ValidationError, match="quorum of key holders"):
        open_box(r, shares=SHARES[:1])
    assert not Ballot.objects.exists() and SealedBallot.objects.filter(ciphertext__isnull=False).count() == 30

    r = open_box(r)
    assert r.board_size == 30 and r.box_opened_at is not None
    board = {b.receipt: sorted(BallotChoice.objects.filter(ballot=b).values_list("proposal_id", flat=True))
             for b in Ballot.objects.filter(round=r)}
    assert board == cast_ballots
    assert not SealedBallot.objects.filter(ciphertext__isnull=False).exists()  # destroyed
    assert board_services.round_check(round_=r).ok  # the box chain still verifies on its hashes
    assert RoundEvent.objects.filter(round=r, action="open_box").exists()
    with pytest.raises(ValidationError, match="already been opened"):
        open_box(r)
    round_tally_start(round_=r, actor=civil)
    from voting.services.tally import round_tally_run

    assert round_tally_run(round_id=r.pk).status == Round.Status.TALLIED  # (no worker in this test)


@pytest.mark.django_db
def test_only_committee_or_civil_affairs_open_the_box_on_its_page(client, open_round, voters, projects, civil,
                                                                  cast_people):
    cast(open_round, voters[0], projects[:1])
    r = close_only(open_round, civil)
    with pytest.raises(PermissionDenied):
        box_services.ballot_box_open(round_=r, shares=SHARES[:2], actor=voters[1].user)
    url = reverse("voting:ballot_box", args=[r.pk])
    client.force_login(voters[1].user)
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("voting:board", args=[r.pk])).content.decode()
    client.force_login(cast_people["committee"])
    assert url in client.get(reverse("voting:board", args=[r.pk])).content.decode()  # the way to it
    page = client.get(url)
    assert page.status_code == 200 and box_services.fingerprint(PUBLIC_KEY) in page.content.decode()
    wrong = client.post(url, {"shares": SHARES[0]})
    text = wrong.content.decode()
    assert wrong.status_code == 400 and ("two or more" in text or "兩個以上" in text)
    assert SHARES[0] not in wrong.content.decode()  # a share is never echoed back
    done = client.post(url, {"shares": "\n".join(SHARES[1:3])})
    assert done.status_code == 302 and Round.objects.get(pk=r.pk).board_size == 1


@pytest.mark.django_db
def test_ballot_box_open_command_reads_shares_from_stdin(open_round, voters, projects, civil):
    cast(open_round, voters[0], projects[:2])
    r = close_only(open_round, civil)
    cmd_out = io.StringIO()
    from voting.management.commands.ballot_box_open import Command

    command = Command(stdout=cmd_out)
    command.stdin = io.StringIO("\n".join(SHARES[:2]) + "\n")
    call_command(command, "--round", str(r.pk))
    assert f"opened round {r.pk}: 1 ballots" in cmd_out.getvalue()


# -- saved heads against a consistent owner rewrite --------------------------------------------

def _owner(*statements):
    tables = ("voting_ballot", "voting_ballotchoice", "voting_ballotseal", "voting_participation", "voting_round",
              "voting_boardhead", "voting_sealedballot", "voting_ballotboxhead")
    with as_owner(connection), connection.cursor() as cur:
        for t in tables:
            cur.execute(f"ALTER TABLE {t} DISABLE TRIGGER USER")
        try:
            for sql in statements:
                cur.execute(sql)
        finally:
            for t in tables:
                cur.execute(f"ALTER TABLE {t} ENABLE TRIGGER USER")


def _reseal_board(r) -> list[str]:
    """SQL that re-chains the round's board as it now reads and moves every head along: what an owner
    who wants the rewrite to verify does."""
    receipts = dict(Ballot.objects.filter(round=r).values_list("id", "receipt"))
    choices: dict = {}
    for bid, pid, v in BallotChoice.objects.filter(round=r).values_list("ballot_id", "proposal_id", "value"):
        choices.setdefault(bid, []).append((pid, v))
    seals = list(BallotSeal.objects.filter(round=r, ballot_id__in=list(receipts)).order_by("position")
                 .values_list("id", "ballot_id"))
    sql = [f"UPDATE voting_ballotseal SET position = position + 100000 WHERE round_id = {r.pk}"]
    prev = chain.GENESIS
    for position, (sid, bid) in enumerate(seals, start=1):
        e = chain.make_entry(position=position, ref=receipts[bid], prev_hash=prev,
                             record=ballot_record(round_id=r.pk, receipt=receipts[bid], choices=choices.get(bid, [])))
        sql.append(f"UPDATE voting_ballotseal SET position = {position}, content_hash = '{e.content_hash}', "
                   f"prev_hash = '{prev}', entry_hash = '{e.entry_hash}' WHERE id = {sid}")
        prev = e.entry_hash
    sql += [f"UPDATE voting_round SET board_size = {len(seals)}, board_head = '{prev}' WHERE id = {r.pk}",
            f"UPDATE voting_boardhead SET position = {len(seals)}, entry_hash = '{prev}' WHERE round_id = {r.pk}"]
    return sql


def _reseal_box(r, *, drop_last=False, replace: dict | None = None) -> list[str]:
    """SQL that re-chains the round's ballot box (optionally without its last entry, or with ciphertexts
    replaced) and moves its heads along."""
    rows = list(SealedBallot.objects.filter(round=r, position__isnull=False).order_by("position")
                .values_list("id", "ciphertext", "content_hash"))
    sql = []
    if drop_last:
        sql.append(f"DELETE FROM voting_sealedballot WHERE id = '{rows[-1][0]}'")
        rows = rows[:-1]
    prev = chain.GENESIS
    for position, (sid, ciphertext, content) in enumerate(rows, start=1):
        if replace and sid in replace:
            ciphertext = replace[sid]
            sql.append(f"UPDATE voting_sealedballot SET ciphertext = '\\x{ciphertext.hex()}'::bytea WHERE id = '{sid}'")
        if ciphertext is not None:
            content = chain.content_hash(box_record(round_id=r.pk, ciphertext=ciphertext))
        e = chain.make_entry(position=position, ref="", prev_hash=prev, content=content)
        sql.append(f"UPDATE voting_sealedballot SET content_hash = '{content}', prev_hash = '{prev}', "
                   f"entry_hash = '{e.entry_hash}' WHERE id = '{sid}'")
        prev = e.entry_hash
    sql.append(f"UPDATE voting_ballotboxhead SET position = {len(rows)}, entry_hash = '{prev}' WHERE round_id = {r.pk}")
    if r.box_size is not None:
        sql.append(f"UPDATE voting_round SET box_size = {len(rows)}, box_head = '{prev}' WHERE id = {r.pk}")
    return sql


def _verify(*args) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("ballots_verify", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


@pytest.fixture
def counted(open_round, voters, projects, civil, client, tmp_path):
    """A round whose heads an outsider saved from heads.txt during the vote and after the box was opened."""
    for v in voters[:3]:
        cast(open_round, v, projects[:2])
    board_services.seal_pending(round_=open_round)
    during = client.get(reverse("voting:board_heads", args=[open_round.pk])).content.decode()
    for v in voters[3:]:
        cast(open_round, v, projects[1:2])
    r = close(open_round, civil)
    after = client.get(reverse("voting:board_heads", args=[r.pk])).content.decode()
    saved = tmp_path / "heads.txt"
    saved.write_text(during + after)
    return r, saved


@pytest.mark.django_db(transaction=True)
def test_heads_file_during_the_vote_hides_the_turnout_and_after_names_both_chains(counted, client):
    r, saved = counted
    page = client.get(reverse("voting:board", args=[r.pk])).content.decode()
    assert r.box_head in page and r.board_head in page and reverse("voting:board_heads", args=[r.pk]) in page
    text = saved.read_text()
    during = [ln for ln in text.split("# pbcity")[1].splitlines()[1:] if ln and not ln.startswith("#")]
    assert during and all(ln.split()[1:3] == ["box", "*"] for ln in during)  # no position (turnout) yet
    assert f"{r.pk} box 5 {r.box_head}" in text and f"{r.pk} board 5 {r.board_head}" in text
    ok, out = _verify("--heads", str(saved))
    assert ok and "saved heads checked: " in out


@pytest.mark.django_db(transaction=True)
def test_a_changed_choice_re_sealed_consistently_is_caught_only_against_saved_heads(counted, projects):
    r, saved = counted
    seal = BallotSeal.objects.filter(round=r).order_by("position")[1]
    _owner(f"UPDATE voting_ballotchoice SET proposal_id = {projects[3].pk} WHERE ballot_id = '{seal.ballot_id}' "
           f"AND proposal_id = {projects[1].pk}")
    _owner(*_reseal_board(Round.objects.get(pk=r.pk)))
    ok, out = _verify()
    assert ok, out  # the rewrite is consistent: nothing inside the database can tell
    ok, out = _verify("--heads", str(saved))
    assert not ok and f"BROKEN round {r.pk}" in out and "board: first broken link at position 5" in out \
        and chain.HEAD_MISSING in out


@pytest.mark.django_db(transaction=True)
def test_a_deleted_ballot_re_sealed_consistently_is_caught_against_saved_heads(counted):
    r, saved = counted
    seal = BallotSeal.objects.filter(round=r).order_by("position").last()
    voter_id = Participation.objects.filter(round=r).values_list("voter_id", flat=True).first()
    _owner(f"DELETE FROM voting_ballotseal WHERE id = {seal.pk}",
           f"DELETE FROM voting_ballotchoice WHERE ballot_id = '{seal.ballot_id}'",
           f"DELETE FROM voting_ballot WHERE id = '{seal.ballot_id}'",
           f"DELETE FROM voting_participation WHERE round_id = {r.pk} AND voter_id = {voter_id}")
    r = Round.objects.get(pk=r.pk)
    _owner(*_reseal_board(r), *_reseal_box(r, drop_last=True))
    ok, out = _verify()
    assert ok, out
    ok, out = _verify("--heads", str(saved))
    assert not ok and chain.HEAD_MISSING in out and "the chain ends at 4" in out


@pytest.mark.django_db(transaction=True)
def test_a_ciphertext_replaced_during_the_vote_is_caught_against_a_head_saved_during_the_vote(
        open_round, voters, projects, client, tmp_path):
    for v in voters[:3]:
        cast(open_round, v, projects[:1])
    board_services.seal_pending(round_=open_round)
    saved = tmp_path / "heads.txt"
    saved.write_text(client.get(reverse("voting:board_heads", args=[open_round.pk])).content.decode())
    # The owner swaps one voter's ciphertext for another choice (encrypted to the same public key) and
    # re-chains the box and its published head.
    victim = SealedBallot.objects.filter(round=open_round).order_by("position").first()
    forged = box_services.ballot_seal(public_key=PUBLIC_KEY, round_id=open_round.pk, receipt="AAAA-AAAA-AAAA-AAAA",
                                      chosen={projects[2].pk: 1}, n_projects=len(projects))
    _owner(*_reseal_box(open_round, replace={victim.pk: forged}))
    assert _verify()[0]
    ok, out = _verify("--heads", str(saved))
    assert not ok and "ballot box: first broken link" in out and "is not in the chain" in out


# -- stuffed ballots ------------------------------------------------------------------------------

def _stuff(r, projects, *, forged_decision: bool):
    """What a stolen runtime role can do by SQL: a new verified voter, a participation and a valid sealed
    ballot (the public key is public), optionally a forged verification decision."""
    from pbcity.tests.factories import UserFactory

    user = UserFactory()
    with connection.cursor() as cur:
        cur.execute("INSERT INTO voting_voter (cycle_id, user_id, id_hmac, birth_date, district_id, basis, status, "
                    "verified_via, verified_at, decision_reason, created_at) VALUES (%s, %s, %s, '1980-01-01', %s, "
                    "'household', 'verified', 'online', now(), '', now()) RETURNING id",
                    [r.cycle_id, user.pk, "f" * 64, r.district_id])
        voter_id = cur.fetchone()[0]
        if forged_decision:
            cur.execute("INSERT INTO voting_voterdecision (voter_id, old_status, new_status, via, reason, created_at) "
                        "VALUES (%s, 'pending', 'verified', 'online', 'Matched in the household register', now())",
                        [voter_id])
        sealed = box_services.ballot_seal(public_key=r.public_key, round_id=r.pk, receipt="ZZZZ-ZZZZ-ZZZZ-ZZZZ",
                                          chosen={projects[0].pk: 1}, n_projects=len(projects))
        cur.execute("INSERT INTO voting_participation (id, round_id, voter_id, token) VALUES "
                    "(gen_random_uuid(), %s, %s, 'stuffed')", [r.pk, voter_id])
        cur.execute("INSERT INTO voting_sealedballot (id, round_id, ciphertext, content_hash, prev_hash, entry_hash) "
                    "VALUES (gen_random_uuid(), %s, %s, '', '', '')", [r.pk, sealed])
    return voter_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("forged_decision", [False, True])
def test_a_stuffed_ballot_fails_verification_with_a_clear_message(open_round, voters, projects, civil,
                                                                   forged_decision):
    from voting.services.tally import round_tally_run

    for v in voters[:2]:
        cast(open_round, v, projects[:1])
    assert _verify()[0]
    voter_id = _stuff(open_round, projects, forged_decision=forged_decision)
    ok, out = _verify()
    assert not ok and f"stuffed: voter(s) {voter_id} voted without a verification on the audit chain" in out
    r = close(open_round, civil)  # the stuffed ballot decrypts like any other: counts alone cannot tell
    assert Ballot.objects.filter(round=r, receipt="ZZZZ-ZZZZ-ZZZZ-ZZZZ").exists()
    assert board_services.counts_problem(round_=r) == ""
    ok, out = _verify()
    assert not ok and f"voter(s) {voter_id}" in out
    Round.objects.filter(pk=r.pk).update(tally_by=civil)
    with pytest.raises(ValidationError, match="stuffed"):
        round_tally_run(round_id=r.pk)
    assert Round.objects.get(pk=r.pk).status == Round.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_a_ciphertext_without_a_participation_breaks_the_counts(open_round, voters, projects):
    cast(open_round, voters[0], projects[:1])
    with connection.cursor() as cur:
        cur.execute("INSERT INTO voting_sealedballot (id, round_id, ciphertext, content_hash, prev_hash, entry_hash) "
                    "VALUES (gen_random_uuid(), %s, 'junk'::bytea, '', '', '')", [open_round.pk])
    ok, out = _verify()
    assert not ok and "counts: 2 sealed ballots for 1 voters who voted" in out


@pytest.mark.django_db
def test_genuine_voters_verified_by_the_services_are_witnessed(open_round, projects, cycle, cast_people):
    """The check reads what voting/services/voters.py records: a register match or a staff decision."""
    from voting.services.voters import voter_decide

    v = verified_voter(cycle, open_round.district)
    pending = Voter.objects.create(cycle=cycle, user=cast_people["resident"], id_hmac="e" * 64,
                                   birth_date=v.birth_date, district=open_round.district, basis="household")
    voter_decide(voter=pending, actor=cast_people["district"], approve=True, reason="ID checked at the desk")
    cast(open_round, v, projects[:1])
    cast(open_round, Voter.objects.get(pk=pending.pk), projects[:1])
    assert VoterDecision.objects.filter(new_status="verified").count() == 2
    assert board_services.unwitnessed_voters(round_=open_round) == []


# -- the receipt e-mail ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_failed_receipt_email_leaves_no_user_id_beside_a_receipt(open_round, voters, projects, monkeypatch, caplog,
                                                                   django_capture_on_commit_callbacks):
    import django.core.mail

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "mail server down")

    monkeypatch.setattr(django.core.mail, "send_mail", smtp_down)
    key = ballot_services.form_key()
    receipt = cast(open_round, voters[0], projects[:1], key=key).receipt
    user = voters[0].user
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        ballot_services.ballot_receipt_email(round_id=open_round.pk, user=user, key=key)  # answers normally
    failure = TaskFailure.objects.get(task_name="voting.tasks.receipt_email")
    compact = receipt.replace("-", "")
    rows = [failure.arguments, failure.error, failure.traceback,
            *(str(m.args) for m in OutboxMessage.objects.all()), caplog.text]
    for text in rows:
        assert receipt not in text and compact not in text
    assert f"user_id': {user.pk}" not in failure.arguments and "user_id" not in failure.arguments
    # What it carries is sealed under the mail key: the task (and only it) reads it back.
    sealed = re.search(r"\('([A-Za-z0-9_=-]+)',\)", failure.arguments).group(1)
    assert ballot_services.receipt_mail_open(sealed) == (user.pk, open_round.pk, receipt)
