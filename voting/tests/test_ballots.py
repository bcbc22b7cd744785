"""Casting: one ballot per voter, replays get the same receipt, the ballot says nothing about its voter."""
import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from voting.models import Ballot, BallotChoice, Participation, SealedBallot
from voting.services import ballots as ballot_services

from .round_helpers import (  # noqa: F401
    cast,
    cast_people,
    civil,
    close,
    make_round,
    open_round,
    projects,
    verified_voter,
    voters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_ballot_gets_a_receipt_and_is_stored_without_its_voter(open_round, voters, projects, civil):
    result = cast(open_round, voters[0], projects[:2])
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", result.receipt) and not result.replay
    # During the vote only a ciphertext is stored: neither the receipt nor a choice can be read.
    sealed = bytes(SealedBallot.objects.get(round=open_round).ciphertext)
    assert result.receipt.encode() not in sealed and not Ballot.objects.exists()
    assert {f.name for f in SealedBallot._meta.concrete_fields} == {
        "id", "round", "ciphertext", "position", "content_hash", "prev_hash", "entry_hash"}
    close(open_round, civil)  # the key holders open the box: the plaintext board is written
    ballot = Ballot.objects.get(round=open_round)
    assert ballot.receipt == result.receipt
    assert sorted(BallotChoice.objects.filter(ballot=ballot).values_list("proposal_id", flat=True)) == \
        sorted(p.pk for p in projects[:2])
    # Anonymity: no column of a ballot or its choices leads to a voter or a user; the participation
    # has no time and no ballot, and its token is not the receipt.
    for model in (Ballot, BallotChoice):
        related = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        assert not related & {Participation, type(voters[0]), type(voters[0].user)}
    part = Participation.objects.get(round=open_round)
    assert {f.name for f in Participation._meta.concrete_fields} == {"id", "round", "voter", "token"}
    assert part.token != result.receipt and result.receipt.replace("-", "") not in part.token.upper()


def test_replay_with_the_same_key_returns_the_same_receipt_and_stores_nothing(open_round, voters, projects,
                                                                                civil):
    key = ballot_services.form_key()
    first = cast(open_round, voters[0], projects[:1], key=key)
    again = cast(open_round, voters[0], projects[1:2], key=key)  # even with other choices
    assert again.receipt == first.receipt and again.replay
    assert SealedBallot.objects.count() == Participation.objects.count() == 1
    close(open_round, civil)
    # The first form's choices count, once: the replay stored nothing.
    assert Ballot.objects.count() == BallotChoice.objects.count() == 1
    assert BallotChoice.objects.get().proposal_id == projects[0].pk
    assert Ballot.objects.get().receipt == first.receipt


def test_a_second_ballot_with_a_new_form_is_refused(open_round, voters, projects, civil):
    cast(open_round, voters[0], projects[:1])
    with pytest.raises(ValidationError, match="already voted"):
        cast(open_round, voters[0], projects[:1])
    assert SealedBallot.objects.count() == 1
    close(open_round, civil)
    assert Ballot.objects.count() == 1


def test_a_form_key_used_by_another_voter_stores_nothing(open_round, voters, projects, civil):
    key = ballot_services.form_key()
    cast(open_round, voters[0], projects[:1], key=key)
    with pytest.raises(ValidationError, match="already used"):
        cast(open_round, voters[1], projects[:1], key=key)
    assert SealedBallot.objects.count() == Participation.objects.count() == 1
    close(open_round, civil)
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize("n, message", [(0, "Choose 1 to 2 projects"), (3, "Choose 1 to 2 projects")])
def test_ballot_rules_are_explained(open_round, voters, projects, n, message):
    with pytest.raises(ValidationError, match=message):
        cast(open_round, voters[0], projects[:n])
    assert not Participation.objects.exists()


def test_unknown_project_and_bad_key_are_refused(open_round, voters, projects):
    with pytest.raises(ValidationError):
        ballot_services.ballot_cast(round_id=open_round.pk, user=voters[0].user, choices={999999: 1},
                                    key=ballot_services.form_key())
    with pytest.raises(ValidationError, match="not valid any more"):
        cast(open_round, voters[0], projects[:1], key="short")


def test_voters_of_other_districts_unverified_and_anonymous_are_refused(open_round, projects, cycle, other_district,
                                                                        cast_people):
    from django.contrib.auth.models import AnonymousUser

    outsider = verified_voter(cycle, other_district)
    with pytest.raises(PermissionDenied):
        cast(open_round, outsider, projects[:1])
    pending = verified_voter(cycle, open_round.district)
    pending.status = "pending"
    pending.save()
    with pytest.raises(PermissionDenied):
        cast(open_round, pending, projects[:1])
    with pytest.raises(PermissionDenied):
        ballot_services.ballot_cast(round_id=open_round.pk, user=AnonymousUser(), choices={projects[0].pk: 1},
                                    key=ballot_services.form_key())


def test_no_ballot_before_opening_or_after_closing(open_round, voters, projects, civil):
    with pytest.raises(ValidationError, match="not open"):
        cast(open_round, voters[0], projects[:1], now=open_round.opens_at - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="not open"):
        cast(open_round, voters[0], projects[:1], now=open_round.closes_at)
    close(open_round, civil)
    # Even inside the window as the service sees it, the database refuses a participation once closed.
    with pytest.raises(ValidationError, match="not open"):
        cast(open_round, voters[0], projects[:1])
    with pytest.raises(DatabaseError, match="not open"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("INSERT INTO voting_participation (id, round_id, voter_id, token) "
                        "VALUES (gen_random_uuid(), %s, %s, 'x')", [open_round.pk, voters[1].pk])


@pytest.mark.parametrize("sql", [
    "UPDATE voting_sealedballot SET ciphertext = NULL",
    "UPDATE voting_sealedballot SET ciphertext = 'x'::bytea",
    "DELETE FROM voting_sealedballot",
    "UPDATE voting_ballot SET receipt = 'X'",
    "DELETE FROM voting_ballotchoice",
    "UPDATE voting_ballotchoice SET value = 2",
    "DELETE FROM voting_participation",
    "TRUNCATE voting_ballot CASCADE",
])
def test_ballots_and_participations_are_append_only(open_round, voters, projects, sql):
    cast(open_round, voters[0], projects[:1])
    with pytest.raises(DatabaseError, match="append-only|permission denied|sealed ballot .*refused"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)


def test_receipt_email_only_for_the_voter_with_the_form_key(open_round, voters, projects, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    key = ballot_services.form_key()
    result = cast(open_round, voters[0], projects[:1], key=key)
    with pytest.raises(PermissionDenied):
        ballot_services.ballot_receipt_email(round_id=open_round.pk, user=voters[1].user, key=key)
    with pytest.raises(PermissionDenied):
        ballot_services.ballot_receipt_email(round_id=open_round.pk, user=voters[0].user,
                                             key=ballot_services.form_key())
    with django_capture_on_commit_callbacks(execute=True):
        ballot_services.ballot_receipt_email(round_id=open_round.pk, user=voters[0].user, key=key)
    assert len(mailoutbox) == 1 and result.receipt in mailoutbox[0].body
