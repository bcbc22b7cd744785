"""Vote winners are listed under Projects at once, as waiting for the agencies, until their project opens."""
import pytest
from django.utils import translation

from proposals.states import State
from tracking import selectors

pytestmark = pytest.mark.django_db


def _get(client, url, lang):
    with translation.override(lang):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()


@pytest.mark.parametrize("lang, words", [("en", "Waiting for the agencies"), ("zh-hant", "等待機關規劃")])
def test_an_admitted_proposal_is_under_projects_at_once_waiting_for_the_agencies(cast, cycle, client, lang, words):
    winner = cast.walk(cycle, State.ADMITTED)
    still_voting = cast.walk(cycle, State.IN_VOTE)
    assert not hasattr(winner, "project")  # civil affairs has not notified the agencies yet
    for url in ("/tracking/", f"/tracking/districts/{winner.district.code}/"):
        page = _get(client, url, lang)
        assert f'<a href="{winner.get_absolute_url()}">{winner.title}</a>' in page and words in page, url
        assert still_voting.get_absolute_url() not in page
    # Once the agencies are notified it is a project like the others, listed once, no longer waiting.
    winner = cast.step(winner, "notify_agencies")
    page = _get(client, "/tracking/", lang)
    assert words not in page and page.count(f">{winner.title}</a>") == 1
    assert winner.project.get_absolute_url() in page


def test_waiting_proposals_are_filtered_like_the_projects(cast, cycle, other_district):
    winner = cast.walk(cycle, State.ADMITTED)
    assert list(selectors.awaiting_agencies(cycle=cycle)) == [winner]
    assert list(selectors.awaiting_agencies(district=other_district)) == []
    assert list(selectors.awaiting_agencies(text="no such words anywhere")) == []
