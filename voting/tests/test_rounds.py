"""Rounds: rules from the cycle and quota, opening moves proposals into the vote, frozen rules in SQL."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from pbcity.models import DistrictQuota
from proposals.models import Proposal, TransitionLog
from proposals.states import State
from voting.models import Round, RoundEvent, RoundProject
from voting.services import rounds as round_services

from .round_helpers import cast_people, civil, make_round, open_round, projects  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_threshold_and_cap_come_from_the_cycle_and_the_quota(civil, cycle, district, other_district):
    cycle.vote_threshold_rule, cycle.vote_threshold_value, cycle.default_admission_cap = "permille", 10, 4
    cycle.save()
    district.eligible_population = 150001
    district.save()
    r = make_round(civil, cycle, district)
    assert (r.threshold, r.admission_cap, r.max_choices) == (1501, 4, cycle.ballot_size)
    DistrictQuota.objects.create(cycle=cycle, district=other_district, admission_cap=2, vote_threshold=300)
    r2 = make_round(civil, cycle, other_district)
    assert (r2.threshold, r2.admission_cap) == (300, 2)
    assert "quota" in r2.threshold_basis


def test_one_round_per_district_per_cycle(civil, cycle, district):
    make_round(civil, cycle, district)
    with pytest.raises(ValidationError):
        make_round(civil, cycle, district)


@pytest.mark.parametrize("who", ["resident", "district", "committee", "civil_no_mfa", "councillor"])
def test_only_civil_affairs_with_mfa_prepares_rounds(cast_people, cycle, district, who):
    with pytest.raises(PermissionDenied):
        make_round(cast_people[who], cycle, district)


def test_unusable_rules_are_refused_with_a_reason(civil, cycle, district):
    with pytest.raises(ValidationError, match="score per place"):
        make_round(civil, cycle, district, ballot_type="ranking", max_choices=3, score_vector=[1, 2, 3])


def test_opening_puts_the_exhibited_proposals_on_the_ballot_and_into_the_vote(open_round, projects, civil):
    assert open_round.status == Round.Status.OPEN
    assert list(open_round.projects.values_list("proposal_id", flat=True)) == [p.pk for p in projects]
    for p in projects:
        assert Proposal.objects.get(pk=p.pk).state == State.IN_VOTE
        log = TransitionLog.objects.get(proposal=p, transition="open_vote")
        assert log.actor == civil and "i-Voting opens" in str(log.reason)
    assert RoundEvent.objects.filter(round=open_round, action="open", actor=civil).exists()


def test_opening_twice_or_without_proposals_is_refused(open_round, civil, cycle, other_district):
    with pytest.raises(ValidationError):
        round_services.round_open(round_=open_round, actor=civil)
    empty = make_round(civil, cycle, other_district)
    with pytest.raises(ValidationError, match="nothing to vote on"):
        round_services.round_open(round_=empty, actor=civil)


def test_closing_before_the_closing_time_is_refused(open_round, civil):
    with pytest.raises(ValidationError, match="cannot close earlier"):
        round_services.round_close(round_=open_round, actor=civil)


# -- frozen once open: the database refuses, whatever path the change takes --------------------

def _sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.mark.parametrize("sql", [
    "UPDATE voting_round SET threshold = 0 WHERE id = %s",
    "UPDATE voting_round SET admission_cap = 99 WHERE id = %s",
    "UPDATE voting_round SET max_choices = 9 WHERE id = %s",
    # Later is round_extend's (test_round_steer.py); earlier is refused.
    "UPDATE voting_round SET closes_at = closes_at - interval '1 minute' WHERE id = %s",
    "UPDATE voting_round SET counting_rule = 'greedy' WHERE id = %s",
    "UPDATE voting_round SET score_vector = '[9]' WHERE id = %s",
    "UPDATE voting_round SET status = 'draft' WHERE id = %s",
    "DELETE FROM voting_round WHERE id = %s",
    "DELETE FROM voting_roundproject WHERE round_id = %s",
    "UPDATE voting_roundproject SET cost = 1 WHERE round_id = %s",
])
def test_frozen_rules_are_refused_in_sql(open_round, sql):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError, match="frozen|cannot go back"):
        _sql(sql, [open_round.pk])


def test_no_project_can_be_added_in_sql_once_open(open_round, cast_people, cycle):
    extra = cast_people.walk(cycle, State.ON_EXHIBITION)
    with pytest.raises(DatabaseError, match="frozen"):
        _sql("INSERT INTO voting_roundproject (round_id, proposal_id, cost, position) VALUES (%s, %s, 0, 99)",
             [open_round.pk, extra.pk])


def test_the_orm_is_refused_too(open_round):
    open_round.threshold = 1
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            open_round.save()


def test_a_draft_can_still_change(civil, cycle, district):
    r = make_round(civil, cycle, district)
    _sql("UPDATE voting_round SET threshold = 5, max_choices = 3 WHERE id = %s", [r.pk])
    r.refresh_from_db()
    assert (r.threshold, r.max_choices) == (5, 3)
    assert not RoundProject.objects.filter(round=r).exists()
