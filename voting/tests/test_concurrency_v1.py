"""Registrations and moderation at the same moment: the database keeps one voter per person and cycle (V1)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pbcity.tests.factories import UserFactory
from pbcity.tests.race import race
from voting.models import Voter, VoterDecision
from voting.services import voters as services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS

N_THREADS = 16


def _race(fn, n=N_THREADS):
    outcomes = race(fn, range(n), catch=(ValidationError,))
    return [getattr(o, "code", "invalid") if isinstance(o, ValidationError) else o for o in outcomes]


@pytest.mark.django_db(transaction=True)
def test_the_same_id_from_many_accounts_at_once_registers_once(vote_cycle, district):
    assert connection.vendor == "postgresql"
    users = [UserFactory() for _ in range(N_THREADS)]
    outcomes = _race(lambda i: services.voter_register(actor=users[i], cycle=vote_cycle, raw_id=VALID_IDS[0],
                                                       birth_date=dt.date(1990, 1, 1), basis="live",
                                                       district=district))
    assert len(outcomes) == N_THREADS
    assert sum(isinstance(o, Voter) for o in outcomes) == 1
    assert outcomes.count("duplicate_id") == N_THREADS - 1
    assert Voter.objects.count() == 1 and VoterDecision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_account_double_submitting_registers_once(vote_cycle, district):
    user = UserFactory()
    outcomes = _race(lambda i: services.voter_register(actor=user, cycle=vote_cycle, raw_id=VALID_IDS[i % 4],
                                                       birth_date=dt.date(1990, 1, 1), basis="live",
                                                       district=district))
    assert sum(isinstance(o, Voter) for o in outcomes) == 1
    assert outcomes.count("duplicate_user") == N_THREADS - 1
    assert Voter.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_decide_once(vote_cycle, district, cast):
    voter = services.voter_register(actor=UserFactory(), cycle=vote_cycle, raw_id=VALID_IDS[0],
                                    birth_date=dt.date(1990, 1, 1), basis="work", district=district)
    from pbcity.roles import Role
    from pbcity.tests.factories import staff

    officers = [cast["district"], staff(Role.DISTRICT_OFFICE, district=district)] * 4
    outcomes = _race(lambda i: services.voter_decide(voter=voter, actor=officers[i], approve=i % 2 == 0,
                                                     reason=f"decision {i}"), n=len(officers))
    assert sum(isinstance(o, Voter) for o in outcomes) == 1 and outcomes.count("decided") == len(officers) - 1
    assert voter.decisions.count() == 2  # registration + exactly one decision
