"""The home page (portal.views.home): the current cycle, where it stands, its proposals by stage."""
import datetime

import pytest
from django.utils import timezone

from pbcity.models import CyclePhase
from pbcity.tests.factories import CycleFactory
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.django_db


def test_home_without_a_cycle_says_so(client):
    response = client.get("/")
    assert response.status_code == 200 and response.context["cycle"] is None
    assert "尚未設定年度循環。" in response.content.decode()


def test_home_shows_the_current_cycle_its_calendar_and_its_proposals_by_stage(client, district, other_district):
    today = timezone.localdate()
    old = CycleFactory(year=today.year - 1, name="去年的循環", phases=False)
    CyclePhase.objects.create(cycle=old, phase="voting", starts_on=datetime.date(today.year - 1, 1, 1),
                              ends_on=datetime.date(today.year - 1, 1, 2))
    current = CycleFactory(year=today.year, name="今年的循環", phases=False)
    CyclePhase.objects.create(cycle=current, phase="voting", starts_on=today - datetime.timedelta(days=1),
                              ends_on=today + datetime.timedelta(days=1))
    cast = Cast(district, other_district)
    raised = [cast.walk(current, State.RAISED) for _ in range(2)]
    passed = cast.walk(current, State.ASSEMBLY_PASSED)
    cast.walk(old, State.RAISED)  # last year's: not counted

    response = client.get("/")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["cycle"] == current and ctx["total"] == 3
    assert [(s, n) for s, n in ctx["stage_counts"]] == [(State.RAISED, 2), (State.ASSEMBLY_PASSED, 1)]
    assert [row["status"] for row in ctx["calendar"]] == ["current"]
    assert {p.pk for p in ctx["recent"]} == {p.pk for p in [*raised, passed]}
    html = response.content.decode()
    assert "今年的循環" in html and "去年的循環" not in html
    assert f"/proposals/{passed.pk}/" in html
    assert [t.name for t in response.templates][0] == "portal/home.html"
