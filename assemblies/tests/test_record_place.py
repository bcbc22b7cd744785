"""A table's proposal is raised at once, so the recorder gives its village (and may pick its point on the
village's map) wherever the district's villages are loaded (places.rules.village_needed)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from places.models import PlaceChange, Village
from places.tests.helpers import load_taipei
from proposals.models import Proposal

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def taipei(in_session):
    load_taipei()
    return in_session


def test_the_recorder_gives_the_village_where_villages_are_loaded(taipei, recorder):
    with pytest.raises(ValidationError, match="Choose the village"):
        record(taipei, recorder, "社區圖書角")
    assert not Proposal.objects.exists()
    v = Village.objects.get(name="龍坡里")
    from assemblies import services

    item = services.assembly_proposal_record(
        table=taipei["table"], actor=recorder, title="社區圖書角", problem="沒有閱讀空間", solution="設置圖書角",
        category="education", proposers=taipei["people"][:1], village=v, point_lon=v.centroid_lon,
        point_lat=v.centroid_lat)
    p = item.proposal
    assert (p.state, p.village, p.point_lon) == ("raised", v, v.centroid_lon)
    assert PlaceChange.objects.get(subject_id=p.pk).actor == recorder


def test_the_recording_page_offers_the_villages_of_the_district_and_the_map(client, taipei, recorder):
    a, t = taipei["assembly"], taipei["table"]
    url = reverse("assemblies:table_record", args=[a.pk, t.pk])
    client.force_login(recorder)
    html = client.get(url).content.decode()
    assert "龍坡里" in html and "關渡里" not in html  # Da'an's villages, not Beitou's
    people = [p.pk for p in taipei["people"][:2]]
    v = Village.objects.get(name="龍坡里")
    data = {"title": "社區圖書角", "problem": "沒有閱讀空間", "solution": "設置圖書角", "category": "education",
            "proposers": people, "village": v.pk}
    r = client.post(url, {**data, "place_show": "1"})  # the map: nothing is raised, nothing typed is lost
    html = r.content.decode()
    assert r.status_code == 200 and 'name="place_cell"' in html and "沒有閱讀空間" in html
    assert html.count("checked") >= 2  # both proposers stay ticked
    assert not Proposal.objects.exists()
    r = client.post(url, {**data, "village": ""})
    assert r.status_code == 400 and "請選擇提案所在的里" in r.content.decode()
    r = client.post(url, {**data, "point_lon": str(v.centroid_lon), "point_lat": str(v.centroid_lat)})
    assert r.status_code == 302
    assert Proposal.objects.get(title="社區圖書角").village == v
