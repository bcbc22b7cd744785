"""One meaning of `?cycle=<year>` on every page that picks a cycle (pbcity.selectors.cycle_from_query)."""
import pytest
from django.http import Http404

from pbcity.selectors import cycle_from_query
from pbcity.tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


def test_without_a_year_a_page_shows_every_cycle_or_the_newest():
    old, new = CycleFactory(year=2025), CycleFactory(year=2026)
    assert cycle_from_query({}) == ([new, old], None)
    assert cycle_from_query({"cycle": ""}, newest_by_default=True) == ([new, old], new)


def test_a_year_names_its_cycle_and_an_unknown_year_is_not_found():
    old, new = CycleFactory(year=2025), CycleFactory(year=2026)
    assert cycle_from_query({"cycle": "2025"})[1] == old
    assert cycle_from_query({"cycle": "2026"}, newest_by_default=True)[1] == new
    for bad in ("1999", "abc", "２０２５", "2025 "):
        with pytest.raises(Http404):
            cycle_from_query({"cycle": bad})


def test_the_pages_read_cycle_not_year(client):
    CycleFactory(year=2025)
    CycleFactory(year=2026)
    for url in ("/assemblies/", "/tracking/", "/deliberation/", "/voting/rounds/"):
        page = client.get(url + "?cycle=2025")
        assert page.status_code == 200, url
        assert client.get(url + "?cycle=1999").status_code == 404, url
    assert 'name="cycle"' in client.get("/assemblies/").content.decode()
