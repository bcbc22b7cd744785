import json

import pytest
from django.core.management import CommandError, call_command

from pbcity.models import District
from places import geometry
from places.models import DistrictArea, Village
from places.services import TAIPEI_FILE


def test_the_command_loads_taipeis_twelve_districts_and_every_village_of_the_atlas(taipei, capsys):
    raw = json.loads(TAIPEI_FILE.read_text(encoding="utf-8"))
    in_file = {g["properties"]["VILLCODE"] for g in raw["objects"]["villages"]["geometries"]}
    call_command("places_load", str(TAIPEI_FILE), "--county", "臺北市")  # again: idempotent
    assert "456 villages in 12 districts" in capsys.readouterr().out
    assert set(Village.objects.values_list("code", flat=True)) == in_file and len(in_file) == 456
    assert DistrictArea.objects.count() == 12
    daan = Village.objects.filter(district__code="daan")
    assert daan.count() == 53
    v = Village.objects.get(name="龍坡里")
    assert v.district.code == "daan" and v.name_en == "Longpo Village"
    assert geometry.contains(v.boundary, v.centroid_lon, v.centroid_lat)
    # every village lies within its district's outline
    outline = geometry.to_shape(DistrictArea.objects.get(district__code="daan").boundary)
    assert all(outline.buffer(1e-6).covers(geometry.to_shape(b)) for b in daan.values_list("boundary", flat=True))


def test_a_county_not_in_the_file_is_refused_with_a_clear_message(taipei):
    with pytest.raises(CommandError, match="檔案中沒有高雄市的村里"):
        call_command("places_load", "--county", "高雄市")


def test_a_file_whose_districts_the_city_does_not_have_is_refused(db):
    District.objects.create(code="daan", name="大安區", name_en="Da'an")
    with pytest.raises(CommandError, match="不是本市的行政區：.*北投區"):
        call_command("places_load")
    assert not Village.objects.exists()


def test_an_unreadable_file_is_refused(db, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="無法讀取界線檔"):
        call_command("places_load", str(bad))


def test_another_city_loads_its_own_topojson_the_same_way(db, tmp_path):
    # a tiny county in the atlas's format: two villages sharing an arc
    topo = {"type": "Topology", "transform": {"scale": [0.001, 0.001], "translate": [120, 23]},
            "arcs": [[[0, 0], [0, 10]], [[0, 10], [10, 0], [0, -10], [-10, 0]], [[0, 0], [-10, 0], [0, 10],
                                                                                 [10, 0]]],
            "objects": {"villages": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {
                    "VILLCODE": "1", "VILLNAME": "東里", "VILLENG": "", "TOWNNAME": "東區", "COUNTYNAME": "某市"}},
                {"type": "Polygon", "arcs": [[~0, 2]], "properties": {
                    "VILLCODE": "2", "VILLNAME": "西里", "VILLENG": "Xi Vil.", "TOWNNAME": "東區",
                    "COUNTYNAME": "某市"}}]}}}
    path = tmp_path / "city.json"
    path.write_text(json.dumps(topo), encoding="utf-8")
    District.objects.create(code="east", name="東區", name_en="East")
    call_command("places_load", str(path), "--county", "某市")
    east, west = Village.objects.get(code="1"), Village.objects.get(code="2")
    assert east.name_en == "東里"  # no English in the file: the official name stands, nothing guessed
    assert west.name_en == "Xi Village"
    assert geometry.contains(east.boundary, "120.005", "23.005")
    assert geometry.contains(west.boundary, "119.995", "23.005")
    assert not geometry.contains(west.boundary, "120.005", "23.005")
