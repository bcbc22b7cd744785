"""Races against PostgreSQL: offices drawing at once store one draw; a member's double tap stores one score."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from deliberation import services
from deliberation.models import DrawRecord, PanelSeat, Score
from pbcity.tests.race import race

from .panel_fixtures import *  # noqa: F401,F403
from .panel_fixtures import commit

pytestmark = pytest.mark.django_db(transaction=True)
N = 8


def _race(fn, args):
    outcomes = race(fn, args, catch=(ValidationError, PermissionDenied))
    return [type(o).__name__ if isinstance(o, (ValidationError, PermissionDenied)) else "ok" for o in outcomes]


def test_simultaneous_draws_with_different_values_store_exactly_one(world, planned):
    assert connection.vendor == "postgresql"
    commit(world, planned)
    outcomes = _race(lambda v: services.panel_draw(panel=planned, actor=world.office, random_value=v),
                    [f"value-{i}" for i in range(N)])
    assert outcomes.count("ok") == 1 and outcomes.count("ValidationError") == N - 1
    assert DrawRecord.objects.filter(panel=planned).count() == 1
    assert PanelSeat.objects.filter(panel=planned, source="drawn").count() == 9


def test_a_double_tap_stores_one_score(world, drawn):
    services.panel_open_scoring(panel=drawn, actor=world.office)
    seat = PanelSeat.objects.filter(panel=drawn, seat_type="basic").first()
    p = drawn.agenda.first()
    outcomes = _race(lambda light: services.score_submit(panel=drawn, actor=seat.user, proposal=p, publicness=light,
                                                        legality="green", budget="green"),
                    ["green", "red"] * (N // 2))
    assert outcomes.count("ok") == 1
    assert Score.objects.filter(member=seat.user, proposal=p).count() == 1
