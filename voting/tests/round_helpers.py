"""Rounds, voters and ballots for tests, built through the services (voters directly: V1 owns that flow)."""
import datetime
import hashlib

import pytest
from django.utils import timezone

from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from voting.models import Voter, VoterDecision
from voting.services import ballot_box as box_services
from voting.services import ballots as ballot_services
from voting.services import rounds as round_services

# One key ceremony for the test session: any two of the three shares open a test round's box.
PUBLIC_KEY, SHARES = box_services.round_keys_generate(holders=3, quorum=2)


def exhibited(cast: Cast, cycle, n: int) -> list:
    return [cast.walk(cycle, State.ON_EXHIBITION) for _i in range(n)]


def verified_voter(cycle, district, *, user=None, birth_date=datetime.date(1990, 5, 1)):
    from pbcity.tests.factories import UserFactory

    user = user or UserFactory()
    voter = Voter.objects.create(
        cycle=cycle, user=user, id_hmac=hashlib.sha256(f"id-{user.pk}".encode()).hexdigest(), birth_date=birth_date,
        district=district, basis=Voter.Basis.HOUSEHOLD, status=Voter.Status.VERIFIED,
        verified_via=Voter.VerifiedVia.ONLINE, verified_at=timezone.now(),
    )
    # As the register match records it (voting/services/voters.py): the decision is on the audit chain.
    VoterDecision.objects.create(voter=voter, actor=None, old_status=Voter.Status.PENDING,
                                 new_status=Voter.Status.VERIFIED, via=Voter.VerifiedVia.ONLINE,
                                 reason="Matched in the household register")
    return voter


def make_round(civil, cycle, district, **kw):
    now = timezone.now()
    kw.setdefault("opens_at", now - datetime.timedelta(hours=1))
    kw.setdefault("closes_at", now + datetime.timedelta(hours=1))
    kw.setdefault("public_key", PUBLIC_KEY)
    return round_services.round_create(actor=civil, cycle=cycle, district=district, **kw)


def cast(r, voter, picks, key=None, **kw):
    return ballot_services.ballot_cast(round_id=r.pk, user=voter.user, choices={p.pk: 1 for p in picks},
                                       key=key or ballot_services.form_key(), **kw)


def close_only(r, actor=None):
    """Close the round: the ciphertexts are sealed in the ballot box, the board is not written yet."""
    from voting.models import Round

    r = Round.objects.get(pk=r.pk)
    return round_services.round_close(round_=r, actor=actor, now=r.closes_at + datetime.timedelta(seconds=1))


def open_box(r, shares=None):
    return box_services.ballot_box_open(round_=r, shares=shares or SHARES[:2])


def close(r, actor=None):
    """Close the round and open its ballot box with a quorum of the test shares (the board is written)."""
    return open_box(close_only(r, actor))


@pytest.fixture
def cast_people(district, other_district):
    return Cast(district, other_district)


@pytest.fixture
def civil(cast_people):
    return cast_people["civil"]


@pytest.fixture
def projects(cast_people, cycle):
    return exhibited(cast_people, cycle, 4)


@pytest.fixture
def open_round(civil, cycle, district, projects):
    r = make_round(civil, cycle, district, max_choices=2)
    return round_services.round_open(round_=r, actor=civil)


@pytest.fixture
def voters(cycle, district):
    return [verified_voter(cycle, district) for _i in range(5)]
