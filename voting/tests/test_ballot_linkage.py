"""Ballot secrecy against everyone who can read the database, its dumps, Redis, logs, task records and e-mails.

A round with 1,000 ballots cast through the service (sealing batches during the vote, as beat runs them;
some voters have their receipt e-mailed, one of those e-mails fails), closed and opened with a quorum's
shares. Then every known way to pair a voter with a ballot is tried — equal transaction ids (`xmin`),
physical row order (`ctid`), transaction-id order, ids and sequences (ballot UUIDs, the choices'
bigserial ids, the board's seal ids and positions), timestamps (`sealed_at`), the board's insertion
order, the row order of a plain `pg_dump`, and the order in which voters are known (from outside, e.g.
an access log) to have voted — reading the database as the runtime role and as the owner. Each pairing
must be right for no more voters than chance allows: with n = 1,000 a random pairing gets about one
voter right (Poisson, mean 1), and the bound is 12 (probability under chance < 1e-8 per linkage).

**The test fails on the old design, and the control shows why.** On main `2648674` participation,
ballot and choices were inserted by one statement: `xmin` was equal for a voter's participation and
their ballot (every voter paired), and both tables' physical and dump order was the order of voting
(every voter paired again). The same linkage functions are run here as a control on the participations
and the *ciphertexts* before the box is opened — the pair the new design still stores together during
the vote, on purpose — and equal `xmin` pairs every ciphertext not yet chained (50 here, the decrypted
ciphertext naming the receipt), far above the bound; so the functions do find a link that exists, and
the board written at opening has none.

Also checked: no private key, key share or receipt anywhere it must not be (dump, Redis, logs, task,
outbox and failure rows), and only the voter who asked receives an e-mail holding their receipt.
"""
import datetime
import logging
import os
import re
import secrets
import smtplib
import subprocess
import time
from glob import glob
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.utils import timezone

from pbcity.dbroles import as_owner
from pbcity.models import OutboxMessage, TaskFailure
from voting.models import SealedBallot, Voter
from voting.services import ballot_box as box_services
from voting.services import ballots as ballot_services
from voting.services import board as board_services

from .round_helpers import SHARES, cast_people, civil, close_only, make_round, open_box, projects  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

N = 1000
CHANCE_BOUND = 12  # right pairings allowed per linkage; chance gives ~1 (P(>= 12) < 1e-8)


def _voters(cycle, district, n):
    User = get_user_model()
    tag = secrets.token_hex(3)
    users = User.objects.bulk_create([User(email=f"link-{tag}-{i}@example.tw", name=f"選民{i}", password="!")
                                      for i in range(n)])
    rng = secrets.SystemRandom()
    # Ages across every band: the ballot carries its voter's band, sealed (voting/rules/strata.py).
    return Voter.objects.bulk_create([
        Voter(cycle=cycle, user=u, id_hmac=f"{u.pk:064x}", district=district,
              birth_date=timezone.localdate() - datetime.timedelta(days=rng.randint(16 * 366, 90 * 365)),
              basis="household", status="verified", verified_via="online", verified_at=timezone.now())
        for u in users])


def _rows(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _physical(table, key, rid, owner=False):
    """(key, xmin, ctid) of the round's rows, read as the runtime role or the owner, in physical order."""
    sql = (f"SELECT {key}::text, xmin::text::bigint, ctid::text FROM {table} WHERE round_id = %s "
           "ORDER BY (ctid::text::point)[0], (ctid::text::point)[1]")
    if owner:
        with as_owner(connection):
            return _rows(sql, [rid])
    return _rows(sql, [rid])


def _equal_pairs(left: dict, right: dict, truth: dict) -> float:
    """Expected right pairings when each left key is paired at random among the right keys sharing its value."""
    groups: dict = {}
    for k, v in right.items():
        groups.setdefault(v, []).append(k)
    score = 0.0
    for k, v in left.items():
        candidates = groups.get(v, [])
        if truth[k] in candidates:
            score += 1 / len(candidates)
    return score


def _order_pairs(left: list, right: list, truth: dict) -> int:
    return sum(1 for a, b in zip(left, right, strict=False) if truth[a] == b)


def _dump_order(text: str, table: str, column: str) -> list:
    """The values of `column` in the order the dump lists the table's rows."""
    block = re.search(rf"^COPY public\.{table} \((.*?)\) FROM stdin;\n(.*?)^\\\.$", text, re.S | re.M)
    index = [c.strip().strip('"') for c in block.group(1).split(",")].index(column)
    return [line.split("\t")[index] for line in block.group(2).splitlines()]


def _pg_dump() -> str:
    url = urlparse(os.environ["DATABASE_OWNER_URL"])
    binary = sorted(glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
    return subprocess.run([binary, "-h", url.hostname, "-p", str(url.port), "-U", url.username,
                           "-d", connection.settings_dict["NAME"], "--no-owner"],
                          capture_output=True, text=True, check=True).stdout


def _redis_dump() -> bytes:
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return b"\n".join(k + b"=" + (client.dump(k) or b"") for k in client.scan_iter(count=1000))


@pytest.mark.skipif(not os.environ.get("DATABASE_OWNER_URL") or not os.environ.get("REDIS_URL"),
                    reason="needs the owner role and Redis (scripts/test.sh)")
def test_no_linkage_from_voters_to_ballots_is_better_than_chance(cast_people, civil, cycle, district, projects,
                                                                 caplog, monkeypatch):
    started = time.monotonic()
    r = make_round(civil, cycle, district, max_choices=3)
    from voting.services import rounds as round_services

    r = round_services.round_open(round_=r, actor=civil)
    people = _voters(cycle, district, N)
    rng = secrets.SystemRandom()
    receipt_of: dict = {}  # voter id -> receipt (the ground truth only this test knows)
    cast_order: list = []  # what an outside observer (access log with times) may know
    caplog.set_level(logging.DEBUG)
    asked = set(rng.sample(range(N), 20))
    for i, voter in enumerate(people):
        key = ballot_services.form_key()
        picks = rng.sample(projects, rng.randint(1, 3))
        result = ballot_services.ballot_cast(round_id=r.pk, user=voter.user, choices={p.pk: 1 for p in picks},
                                             key=key)
        receipt_of[voter.pk] = result.receipt
        cast_order.append(voter.pk)
        if i in asked:
            if i == min(asked):  # one e-mail fails: SMTP down
                import django.core.mail

                monkeypatch.setattr(django.core.mail, "send_mail", _smtp_down)
            ballot_services.ballot_receipt_email(round_id=r.pk, user=voter.user, key=key)
            monkeypatch.undo()
        if i % 100 == 49:
            board_services.seal_pending(round_=r)  # the beat task during the vote (the last 50 stay unsealed)
    receipts = set(receipt_of.values())
    assert len(receipts) == N

    # Control: during the vote the ciphertext is stored beside its participation, on purpose; the
    # linkage functions pair a voter with it wherever the link still exists (the decrypted ciphertext
    # names the receipt): `xmin` pairs every ciphertext not yet chained (the sealer's UPDATE gives a
    # chained one the batch's transaction id — which already unlinks it), far above the bound.
    key = box_services.shares_combine(public_key=r.public_key, shares=SHARES[:2])
    from nacl.public import SealedBox

    box = SealedBox(key)
    sealed_receipt = {str(sid): re.search(rb'"k":"([A-Z2-7-]{19})"', box.decrypt(bytes(ct))).group(1).decode()
                      for sid, ct in SealedBallot.objects.filter(round=r).values_list("id", "ciphertext")}
    parts = _physical("voting_participation", "voter_id", r.pk)
    sealed = _physical("voting_sealedballot", "id", r.pk)
    sealed_of = {rc: sid for sid, rc in sealed_receipt.items()}
    truth_sealed = {int(v): sealed_of[receipt_of[int(v)]] for v, _x, _c in parts}
    unsealed = SealedBallot.objects.filter(round=r, position__isnull=True).count()
    assert unsealed == 50
    assert _equal_pairs({int(v): x for v, x, _c in parts}, {s: x for s, x, _c in sealed}, truth_sealed) == unsealed

    r = open_box(close_only(r, civil))
    assert r.board_size == N
    # What the board offers to pair with, read as the runtime role and as the owner.
    for owner in (False, True):
        parts = _physical("voting_participation", "voter_id", r.pk, owner=owner)
        ballots = _physical("voting_ballot", "receipt", r.pk, owner=owner)
        assert {b for b, _x, _c in ballots} == receipts
        truth = {int(v): receipt_of[int(v)] for v, _x, _c in parts}
        by_xmin = {b: x for b, x, _c in ballots}
        results = {"equal xmin": _equal_pairs({int(v): x for v, x, _c in parts}, by_xmin, truth)}
        voter_orders = {
            "participation ctid": [int(v) for v, _x, _c in parts],
            "participation xmin": [int(v) for v, _x, _c in sorted(parts, key=lambda p: p[1])],
            "participation id": [v for (v,) in _rows("SELECT voter_id FROM voting_participation WHERE round_id = %s "
                                                     "ORDER BY id", [r.pk])],
            "known cast order": cast_order,
        }
        ballot_orders = {
            "ballot ctid": [b for b, _x, _c in ballots],
            "ballot xmin": [b for b, _x, _c in sorted(ballots, key=lambda b: b[1])],
            "ballot id": [b for (b,) in _rows("SELECT receipt FROM voting_ballot WHERE round_id = %s ORDER BY id",
                                             [r.pk])],
            "choice sequence": [b for (b,) in _rows(
                "SELECT b.receipt FROM voting_ballot b JOIN voting_ballotchoice c ON c.ballot_id = b.id "
                "WHERE b.round_id = %s GROUP BY b.receipt ORDER BY min(c.id)", [r.pk])],
            "seal id": [b for (b,) in _rows("SELECT b.receipt FROM voting_ballotseal s JOIN voting_ballot b ON "
                                            "b.id = s.ballot_id WHERE s.round_id = %s ORDER BY s.id", [r.pk])],
            "board position": [b for (b,) in _rows(
                "SELECT b.receipt FROM voting_ballotseal s JOIN voting_ballot b ON b.id = s.ballot_id "
                "WHERE s.round_id = %s ORDER BY s.position", [r.pk])],
            "seal time": [b for (b,) in _rows(
                "SELECT b.receipt FROM voting_ballotseal s JOIN voting_ballot b ON b.id = s.ballot_id "
                "WHERE s.round_id = %s ORDER BY s.sealed_at, s.ctid", [r.pk])],
        }
        for vname, vorder in voter_orders.items():
            for bname, border in ballot_orders.items():
                for direction, seq in (("", border), (" reversed", border[::-1])):
                    results[f"{vname} ~ {bname}{direction}"] = _order_pairs(vorder, seq, truth)
        worst = max(results.items(), key=lambda kv: kv[1])
        assert worst[1] <= CHANCE_BOUND, f"linkage better than chance ({'owner' if owner else 'runtime'}): {worst}"

    # The traits sealed in the ballots (day of the vote, age band) were only counted: per group of at least
    # ten ballots, never one row per ballot, day and age apart (docs/security.md, "Mobilisation flags and
    # ballot secrecy"); the counts add up to the board.
    from voting.models import BoardStratum
    from voting.rules import STRATUM_MIN

    strata = list(BoardStratum.objects.filter(round=r))
    for kind in ("day", "age"):
        totals = [s.ballots for s in strata if s.kind == kind and s.proposal_id is None]
        assert totals and min(totals) >= STRATUM_MIN and sum(totals) == N
    assert len([s for s in strata if s.kind == "age" and s.proposal_id is None]) > 1  # ages vary: several bands
    assert len(strata) <= 2 * (1 + len(projects)) * 6  # groups x (all + each project): counts, not ballots

    # The ciphertexts are gone; what stays of the box (hashes, positions) cannot be tied to a ballot.
    assert not SealedBallot.objects.filter(round=r, ciphertext__isnull=False).exists()

    # A plain pg_dump as the owner: the row order of participations and ballots pairs nobody, and no
    # key material is in it.
    dump = _pg_dump()
    dumped_voters = [int(v) for v in _dump_order(dump, "voting_participation", "voter_id")]
    dumped_receipts = _dump_order(dump, "voting_ballot", "receipt")
    assert set(dumped_receipts) == receipts and len(dumped_voters) == N
    truth = {v: receipt_of[v] for v in dumped_voters}
    assert _order_pairs(dumped_voters, dumped_receipts, truth) <= CHANCE_BOUND
    assert _order_pairs(dumped_voters, dumped_receipts[::-1], truth) <= CHANCE_BOUND
    secret_texts = [key.encode().hex(), *SHARES, *(s.split("-")[-1] for s in SHARES)]
    for text in secret_texts:
        assert text not in dump
    # The receipts are on the public board (voting_ballot), and nowhere else in the dump.
    board_block = re.search(r"^COPY public\.voting_ballot .*?^\\\.$", dump, re.S | re.M).group(0)
    outside = dump.replace(board_block, "")
    assert not any(rc in outside for rc in rng.sample(sorted(receipts), 200))

    # Redis, logs, task/outbox/failure rows: no receipt, no key material.
    redis_bytes = _redis_dump()
    logs = caplog.text
    task_rows = " ".join([*(f"{f.arguments} {f.error} {f.traceback}" for f in TaskFailure.objects.all()),
                          *(str(m.args) for m in OutboxMessage.objects.all())])
    assert TaskFailure.objects.filter(task_name="voting.tasks.receipt_email").count() == 1
    for text in [*receipts, *secret_texts]:
        assert text.encode() not in redis_bytes and text not in logs and text not in task_rows
    # E-mails (the round's notifications included): only the 19 receipt e-mails that went out hold a
    # receipt, each the receipt of the voter who asked, sent to that voter alone.
    email_of = {receipt_of[v.pk]: v.user.email for v in people}
    holding = []
    for message in mail.outbox:
        held = [rc for rc in re.findall(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}", message.body) if rc in receipts]
        if held:
            assert len(held) == 1 and message.to == [email_of[held[0]]]
            holding.append(held[0])
    assert len(holding) == len(set(holding)) == 19
    assert time.monotonic() - started < 120


def _smtp_down(*args, **kwargs):
    raise smtplib.SMTPConnectError(421, "mail server down")

