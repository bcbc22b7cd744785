"""Races and tampering: two clicks at once leave one record; the owner meets the append-only triggers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from deliberation import services
from deliberation.models import ContestDecision, DesignationContest
from pbcity.tests.race import race
from proposals.models import TransitionLog

from .premeeting_fixtures import *  # noqa: F401,F403

N = 8


def _race(fn):
    outcomes = race(lambda _: fn(), range(N), catch=(ValidationError,))
    return ["refused" if isinstance(o, ValidationError) else "ok" for o in outcomes]


@pytest.mark.django_db(transaction=True)
def test_one_open_contest_per_agency_under_concurrent_clicks(cast, assigned):
    assert connection.vendor == "postgresql"
    outcomes = _race(lambda: services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency,
                                                    reason="同時送出"))
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == N - 1
    assert DesignationContest.objects.filter(proposal=assigned).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_decision_per_contest_under_concurrent_clicks(cast, assigned):
    contest = services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency, reason="r")
    outcomes = _race(lambda: services.contest_decide(contest=contest, actor=cast["district"], outcome="kept",
                                                     reason="維持"))
    assert outcomes.count("ok") == 1
    assert ContestDecision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_designation_under_concurrent_submits(cast, premeeting, passed):
    outcomes = _race(lambda: services.premeeting_designate(
        premeeting=premeeting, actor=cast["district"], reason="r", designations=[(passed[0], cast.lead_agency, [])]))
    assert outcomes.count("ok") == 1
    assert TransitionLog.objects.filter(proposal=passed[0], transition="designate_agencies").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_owner_meets_the_append_only_triggers(cast, assigned):
    from pbcity.dbroles import as_owner

    contest = services.contest_raise(proposal=assigned, actor=cast["lead"], agency=cast.lead_agency, reason="r")
    services.contest_decide(contest=contest, actor=cast["district"], outcome="kept", reason="維持")
    for sql in ("UPDATE deliberation_designationcontest SET reason = 'x'",
                "DELETE FROM deliberation_contestdecision",
                "TRUNCATE deliberation_agencyopinion CASCADE"):
        with pytest.raises(DatabaseError, match="refused"), as_owner(connection), connection.cursor() as cur:
            cur.execute(sql)
    assert DesignationContest.objects.get().reason == "r"
