"""A district with proposals in the workshop, card holders, last year's proposers and a panel, built
through the services. Import the fixtures with `from .panel_fixtures import *`."""
import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from deliberation import services
from pbcity.roles import Role
from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory, staff
from proposals import services as proposal_services
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from training.tests.factories import card_holder

__all__ = ["drawn", "panel_english", "planned", "scoring", "world", "commit", "score_all"]

LOTTERY = "台灣彩券大樂透 2026-06-12 開獎號碼（六個號碼由小到大，以逗號分隔）"


@pytest.fixture(autouse=True)
def panel_english():
    """Service messages are matched in English here; pages are checked in both languages elsewhere."""
    with translation.override("en"):
        yield


def _proposer(cycle, district, office, user):
    return proposal_services.proposal_create(
        actor=office, cycle=cycle, district=district, title=f"去年提案 {user.pk}", problem="p", solution="s",
        category="parks", proposers=[user],
    )


@pytest.fixture
def world(db, district, other_district, cycle):
    cast = Cast(district, other_district)
    third = DistrictFactory(code="wenshan", name="文山區", name_en="Wenshan")
    previous = CycleFactory(year=cycle.year - 1)
    proposals = [cast.walk(cycle, State.IN_WORKSHOP) for _ in range(3)]
    basic = [card_holder("basic", name=f"初階{i}") for i in range(8)]
    advanced = [card_holder("advanced", name=f"進階{i}") for i in range(4)]
    other_office = staff(Role.DISTRICT_OFFICE, district=other_district)
    third_office = staff(Role.DISTRICT_OFFICE, district=third)
    prev_ok = [UserFactory(name=f"去年提案人{i}", home_district=other_district) for i in range(3)]
    for i, u in enumerate(prev_ok):
        _proposer(previous, other_district if i % 2 else third, other_office if i % 2 else third_office, u)
    prev_here = UserFactory(name="本區去年提案人", home_district=other_district)
    _proposer(previous, district, cast["district"], prev_here)
    prev_lives_here = UserFactory(name="住本區的去年提案人", home_district=district)
    _proposer(previous, other_district, other_office, prev_lives_here)
    return SimpleNamespace(
        cast=cast, cycle=cycle, district=district, proposals=proposals, basic=basic, advanced=advanced,
        prev_ok=prev_ok, prev_here=prev_here, prev_lives_here=prev_lives_here,
        office=cast["district"], host=staff(Role.COMMITTEE), co_host=staff(Role.COMMITTEE),
        deliberator=card_holder("deliberation", name="審議員"), civil=cast["civil"],
    )


@pytest.fixture
def planned(world):
    panel = services.panel_plan(
        actor=world.office, cycle=world.cycle, district=world.district,
        starts_at=timezone.now() + datetime.timedelta(days=7), venue="大安區公所 10 樓", online_url="https://meet.example.tw/daan",
    )
    services.panel_appoint(panel=panel, actor=world.civil, host=world.host, co_host=world.co_host,
                           deliberator=world.deliberator, reason="公參會推派")
    panel.refresh_from_db()
    return panel


def commit(world, panel):
    return services.panel_commit(panel=panel, actor=world.office, randomness_source=LOTTERY,
                                 randomness_date=datetime.date(2026, 6, 12))


@pytest.fixture
def drawn(world, planned):
    commit(world, planned)
    services.panel_draw(panel=planned, actor=world.office, random_value="03,11,19,27,38,42")
    planned.refresh_from_db()
    return planned


@pytest.fixture
def scoring(world, drawn):
    services.panel_open_scoring(panel=drawn, actor=world.host)
    drawn.refresh_from_db()
    return drawn


def score_all(panel, lights_for):
    """Every seated scoring member scores every agenda proposal they may; lights_for(seat, proposal) → 3 lights."""
    for seat in panel.seats.filter(status="seated"):
        if not seat.is_scoring:
            continue
        for p in panel.agenda.all():
            if p.proposers.filter(user_id=seat.user_id).exists():
                continue
            pub, leg, bud = lights_for(seat, p)
            services.score_submit(panel=panel, actor=seat.user, proposal=p, publicness=pub, legality=leg, budget=bud)
