"""Searching the exhibition and the elections from other cities (pbcity.search)."""
import pytest

from pbcity.tests.factories import UserFactory
from proposals.models import Proposal
from proposals.states import State
from voting.models import ArchivedElection

from .v1_fixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, url, **params):
    response = client.get(url, params, **EN)
    assert response.status_code == 200
    return response.content.decode()


def test_the_exhibition_finds_chinese_words_keeps_the_filters_and_says_when_nothing_matches(
        client, cast, cycle, district, other_district):
    shade = cast.walk(cycle, State.ON_EXHIBITION)
    bikes = cast.walk(cycle, State.ON_EXHIBITION)
    Proposal.objects.filter(pk=bikes.pk).update(title="河濱自行車道照明", problem="晚上太暗", solution="加裝路燈")
    html = page(client, "/voting/exhibition/", q="遮陽")
    assert f"/voting/exhibition/{shade.pk}/" in html and f"/voting/exhibition/{bikes.pk}/" not in html
    assert "1 exhibited proposal matches “遮陽”" in html and 'value="遮陽"' in html
    assert f"/voting/exhibition/{bikes.pk}/" in page(client, "/voting/exhibition/", q="自行車")
    html = page(client, "/voting/exhibition/", q="遮陽", district=other_district.code)
    assert f"/voting/exhibition/{shade.pk}/" not in html and "No exhibited proposal matches “遮陽”" in html
    assert f'<option value="{other_district.code}" selected' in html


def test_the_exhibition_search_is_in_chinese_by_default(client, cast, cycle):
    cast.walk(cycle, State.ON_EXHIBITION)
    html = client.get("/voting/exhibition/", {"q": "泳池"}, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "搜尋" in html and "沒有符合「泳池」的展覽提案" in html


@pytest.mark.parametrize("hostile", ["%", "_", "\\", "'\"", "字" * 10_000, "<script>x</script>", "100%_off"])
def test_hostile_searches_answer_clearly(client, cast, cycle, hostile):
    cast.walk(cycle, State.ON_EXHIBITION)
    html = page(client, "/voting/exhibition/", q=hostile)
    assert "<script>x" not in html and "\x00" not in html
    for url in ("/voting/elsewhere/", "/tracking/", "/proposals/"):
        assert client.get(url, {"q": hostile}).status_code == 200


def test_a_nul_in_the_search_is_refused_with_a_reason(client):
    # pbcity.middleware refuses NUL anywhere in a query string, before any view runs.
    for url in ("/voting/exhibition/", "/voting/elsewhere/", "/tracking/", "/proposals/", "/inbox/"):
        response = client.get(url, {"q": "遮陽\x00"}, **EN)
        assert response.status_code == 400 and b"not allowed" in response.content


def test_elections_from_other_cities_are_searched_by_title_source_and_description(client):
    who = UserFactory()
    assen = ArchivedElection.objects.create(
        title="Assen 2024", source="pabulib.org", file_name="assen.pb", file_sha256="a" * 64,
        status=ArchivedElection.Status.DONE, imported_by=who, meta={"country": "Netherlands", "unit": "Assen"})
    warsaw = ArchivedElection.objects.create(
        title="華沙 Warszawa 2023", source="pabulib.org", file_name="warszawa.pb", file_sha256="b" * 64,
        status=ArchivedElection.Status.DONE, imported_by=who, meta={"country": "Poland"})
    url = "/voting/elsewhere/"
    assert f"/elsewhere/{assen.pk}/" in page(client, url, q="netherlands")
    html = page(client, url, q="華沙")
    assert f"/elsewhere/{warsaw.pk}/" in html and f"/elsewhere/{assen.pk}/" not in html
    assert "1 election matches “華沙”" in html
    assert "No election matches “toulouse”" in page(client, url, q="toulouse")
