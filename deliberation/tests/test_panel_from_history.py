"""The proposal page and the exhibition page read the panel's decision from the records its history shows."""
import pytest
from django.utils import translation

from pbcity.systext import systext
from proposals.services import proposal_transition
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.django_db

NO_LIGHTS = "The review panel's lights have not been recorded for this proposal."


def _get(client, url):
    with translation.override("en"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def test_panel_lights_stored_with_the_transition_show_on_both_pages(cast, cycle, client):
    p = cast.walk(cycle, State.IN_WORKSHOP)
    reason = systext("deliberation.panel_summary", n=9, passed=True,
                     lights={"publicness": "green", "legality": "yellow", "budget": "green"})
    proposal_transition(proposal=p, actor=cast["committee"], transition_name="pass_review", reason=reason,
                        preauthorised=True)
    cast.step(p, "open_exhibition")
    page = _get(client, p.get_absolute_url())
    assert "Citizen review panel" in page and "Goes on to the vote." in page and "(9 members scored)" in page
    assert page.count("light-green") == 2 and page.count("light-yellow") == 1
    exhibition = _get(client, f"/voting/exhibition/{p.pk}/")
    assert NO_LIGHTS not in exhibition and "The review panel sent it on to the vote." in exhibition
    assert "green (high)" in exhibition and "yellow (medium)" in exhibition


def test_a_panel_decision_without_lights_is_still_shown_as_the_history_says(cast, cycle, client):
    p = cast.walk(cycle, State.ON_EXHIBITION)  # passed review with a typed reason, no verdict row (as the demo)
    page = _get(client, p.get_absolute_url())
    assert "Citizen review panel" in page and "Goes on to the vote." in page
    exhibition = _get(client, f"/voting/exhibition/{p.pk}/")
    assert NO_LIGHTS not in exhibition and "The review panel sent it on to the vote." in exhibition


def test_a_proposal_the_panel_never_saw_shows_no_panel_box(cast, cycle, client):
    p = cast.walk(cycle, State.RAISED)
    assert "Citizen review panel" not in _get(client, p.get_absolute_url())
