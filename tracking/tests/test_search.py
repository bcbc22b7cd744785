"""Searching the projects (pbcity.search through the project's proposal)."""
import pytest

from proposals.models import Proposal

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_projects_are_found_by_their_proposal_words_on_every_list(client, cast, cycle, district):
    shade = cast.project(cycle)
    lights = cast.project(cycle)
    Proposal.objects.filter(pk=lights.proposal_id).update(title="河濱自行車道照明", problem="晚上太暗",
                                                          solution="加裝路燈")
    for url in ("/tracking/", f"/tracking/districts/{district.code}/"):
        html = client.get(url, {"q": "遮陽", "cycle": cycle.year}, **EN).content.decode()
        assert shade.get_absolute_url() in html and lights.get_absolute_url() not in html, url
        assert "1 project matches “遮陽”" in html and 'value="遮陽"' in html
        assert f'<option value="{cycle.year}" selected' in html
        html = client.get(url, {"q": "游泳池"}, **EN).content.decode()
        assert "No project matches “游泳池”." in html and shade.get_absolute_url() not in html
