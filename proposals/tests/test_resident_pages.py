"""The resident's pages: write a proposal with the village map, see it on "my proposals", edit the draft."""
import pytest

from places.models import PlaceChange, Village
from places.tests.helpers import load_taipei
from proposals import services
from proposals.models import Proposal
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(district, other_district, cycle):
    load_taipei()
    return Cast(district, other_district)


def _form(cast, **extra):
    v = Village.objects.get(name="龍坡里")
    return {"district": cast.district.pk, "village": v.pk, "category": "traffic", "title": "巷口反射鏡",
            "problem": "巷口看不到來車。", "solution": "設置反射鏡。", "location": "羅斯福路三段 269 巷口",
            "estimated_cost": "30000", "point_lon": "", "point_lat": "", **extra}


def test_a_resident_writes_a_proposal_and_finds_it_on_my_proposals(client, cast, cycle):
    client.force_login(cast.proposer)
    assert "/proposals/write/" in client.get("/proposals/").content.decode()  # the link a person follows
    v = Village.objects.get(name="龍坡里")
    r = client.post("/proposals/write/", _form(cast, point_lon=str(v.centroid_lon), point_lat=str(v.centroid_lat)))
    p = Proposal.objects.get(title="巷口反射鏡")
    assert r.status_code == 302 and r.url == f"/proposals/{p.pk}/"
    assert (p.state, p.cycle, p.village, p.point_lat) == (State.DRAFT, cycle, v, v.centroid_lat)
    html = client.get("/proposals/mine/").content.decode()
    assert "巷口反射鏡" in html and "大安區公所會在本區下一場住民大會提出" in html
    assert f"/proposals/{p.pk}/edit/" in html
    detail = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "這份草案尚未公開" in detail and f"/proposals/{p.pk}/edit/" in detail
    assert "撤案" in detail  # the withdraw action of the proposer


def test_the_map_keeps_what_was_typed_and_fills_the_point(client, cast):
    client.force_login(cast.proposer)
    r = client.post("/proposals/write/", _form(cast, place_show="1"))
    html = r.content.decode()
    assert r.status_code == 200 and "巷口看不到來車。" in html and 'name="place_cell"' in html
    assert not Proposal.objects.exists()
    v = Village.objects.get(name="龍坡里")
    r = client.post("/proposals/write/", _form(cast, place_cell=f"{v.centroid_lon},{v.centroid_lat}"))
    assert f'value="{v.centroid_lon}"' in r.content.decode()
    assert not Proposal.objects.exists()
    # without JavaScript, a click on the image sends its pixel
    r = client.post("/proposals/write/", _form(cast, **{"place_pick.x": "150", "place_pick.y": "100"}))
    assert r.status_code == 200 and 'name="point_lon"' in r.content.decode() and not Proposal.objects.exists()


@pytest.mark.parametrize(("bad", "message"), [
    ({"village": ""}, "請選擇提案所在的里"),
    ({"village": "999999"}, "選擇有效的選項"),
    ({"point_lon": "121.6", "point_lat": "25.1"}, "不在龍坡里範圍內"),
    ({"point_lon": "121.5", "point_lat": ""}, "經度與緯度"),
    ({"estimated_cost": "99999999999999999999999"}, "小於或等於|less than or equal"),
    ({"estimated_cost": "三萬"}, "輸入整數"),
    ({"title": "第一行\n第二行"}, "class=\"errorlist"),
    ({"district": "x"}, "選擇有效的選項"),
])
def test_bad_input_is_a_message_and_keeps_what_was_entered(client, cast, bad, message):
    import re

    client.force_login(cast.proposer)
    r = client.post("/proposals/write/", _form(cast, **bad))
    html = r.content.decode()
    assert r.status_code == 400 and re.search(message, html)
    assert "巷口看不到來車。" in html
    assert not Proposal.objects.exists()


def test_who_reaches_the_writing_page(client, cast):
    assert client.get("/proposals/write/").status_code == 302  # to the login page
    client.force_login(cast["district_no_mfa"])
    r = client.get("/proposals/write/")
    assert r.status_code == 302 and "/proposals/write/" not in r.url  # to the two-factor set-up first
    client.force_login(cast["resident"])
    assert client.get("/proposals/write/").status_code == 200


def test_the_proposer_edits_the_draft_with_the_map(client, cast, cycle):
    v = Village.objects.get(name="龍坡里")
    p = services.proposal_propose(actor=cast.proposer, cycle=cycle, district=cast.district, village=v,
                                  title="巷口反射鏡", problem="看不到", solution="鏡子", category="traffic")
    client.force_login(cast.proposer)
    html = client.get(f"/proposals/{p.pk}/edit/").content.decode()
    assert 'value="巷口反射鏡"' in html and 'name="place_cell"' in html  # the village's map is shown at once
    other = Village.objects.get(name="古莊里")
    data = _form(cast, village=other.pk, title="古莊里巷口反射鏡", note="搬到古莊里")
    r = client.post(f"/proposals/{p.pk}/edit/", data)
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.title, p.village) == ("古莊里巷口反射鏡", other)
    assert PlaceChange.objects.filter(subject_id=p.pk).order_by("-id").first().reason == "搬到古莊里"
    r = client.post(f"/proposals/{p.pk}/edit/", {**data, "village": ""})
    assert r.status_code == 400 and "古莊里巷口反射鏡" in r.content.decode()
    # another resident does not learn it exists; the district office sees it but corrects it on its own pages
    client.force_login(cast["resident"])
    assert client.get(f"/proposals/{p.pk}/edit/").status_code == 404
    client.force_login(cast["district"])
    assert client.get(f"/proposals/{p.pk}/edit/").status_code == 403
    services.proposal_transition(proposal=p, actor=cast["district"], transition_name="raise_proposal", reason="提出")
    client.force_login(cast.proposer)
    assert client.get(f"/proposals/{p.pk}/edit/").status_code == 403
    assert f"/proposals/{p.pk}/edit/" not in client.get("/proposals/mine/").content.decode()


@pytest.mark.parametrize("value", ["\x00", "<script>alert(1)</script>", "' OR 1=1 --", "遮陽" * 600, "%00",
                                   "../../etc/passwd", "-1e999", "🙂" * 50])
def test_hostile_input_on_the_residents_pages_is_never_a_server_error(client, cast, cycle, value):
    v = Village.objects.get(name="龍坡里")
    p = services.proposal_propose(actor=cast.proposer, cycle=cycle, district=cast.district, village=v,
                                  title="巷口反射鏡", problem="看不到", solution="鏡子", category="traffic")
    client.force_login(cast.proposer)
    fields = ["district", "village", "category", "title", "problem", "solution", "location", "estimated_cost",
              "point_lon", "point_lat", "note"]
    for url in ("/proposals/write/", f"/proposals/{p.pk}/edit/"):
        for extra in ({}, {"place_show": value}, {"place_cell": value}, {"place_pick.x": value, "place_pick.y": value},
                      {"village": v.pk, "place_cell": value}, {"village": v.pk, "place_pick.x": value}):
            r = client.post(url, {**{f: value for f in fields}, **extra})
            assert r.status_code < 500, (url, extra)
            assert b"<script>alert(1)</script>" not in r.content
    assert Proposal.objects.count() == 1
