"""Place data for the evaluation: per village counts, money and distance to the nearest funded project."""
import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from evaluation.places_data import village_statistics
from places import geometry
from places.models import Village
from places.tests.helpers import load_taipei
from proposals import services
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from tracking.models import BudgetFigure, Project


@pytest.fixture
def scene(district, other_district, cycle):
    """In Da'an: 龍坡里 raised three (one passed the assembly, one funded at a point), 古莊里 one, rejected."""
    load_taipei()
    cast = Cast(district, other_district)
    longpo, guzhuang = Village.objects.get(name="龍坡里"), Village.objects.get(name="古莊里")

    def place(p, v, point=None):
        lon, lat = point or (None, None)
        services.proposal_place_set(proposal=p, actor=cast["district"], village=v, point_lon=lon, point_lat=lat,
                                    reason="定位")

    funded = cast.walk(cycle, State.BUDGETING)
    place(funded, longpo, (longpo.centroid_lon, longpo.centroid_lat))
    place(cast.walk(cycle, State.ASSEMBLY_PASSED), longpo)
    place(cast.walk(cycle, State.RAISED), longpo)
    place(cast.walk(cycle, State.ASSEMBLY_REJECTED), guzhuang)
    return {"cast": cast, "longpo": longpo, "guzhuang": guzhuang, "funded": funded}


@pytest.mark.django_db
def test_village_statistics_count_each_stage_and_measure_the_distance(scene, cycle):
    rows = {r.code: r for r in village_statistics(cycle=cycle)}
    assert len(rows) == 456
    lp, gz = rows[scene["longpo"].code], rows[scene["guzhuang"].code]
    assert (lp.raised, lp.passed_assembly, lp.on_ballot, lp.funded) == (3, 2, 1, 1)
    assert lp.money_funded_ntd == 0  # no approved figure and no estimate
    project = Project.objects.get(proposal=scene["funded"])
    for amount in (900_000, 800_000):  # the latest approved figure counts
        BudgetFigure.objects.create(project=project, kind="approved", amount=amount, as_of=datetime.date(2026, 9, 1),
                                    recorded_by=scene["cast"]["lead"])
    lp = next(r for r in village_statistics(cycle=cycle) if r.code == scene["longpo"].code)
    assert lp.money_funded_ntd == 800_000
    assert (gz.raised, gz.passed_assembly, gz.funded, gz.money_funded_ntd) == (1, 0, 0, 0)
    assert lp.nearest_funded_m == 0
    expected = geometry.distance_m(scene["guzhuang"].centroid_lon, scene["guzhuang"].centroid_lat,
                                   scene["longpo"].centroid_lon, scene["longpo"].centroid_lat)
    assert gz.nearest_funded_m == round(expected) and 300 < expected < 5000


@pytest.mark.django_db
def test_without_a_funded_project_there_is_no_distance(district, cycle):
    load_taipei()
    assert all(r.nearest_funded_m is None and r.raised == 0 for r in village_statistics(cycle=cycle))


@pytest.mark.django_db
def test_open_data_csv_and_geojson(client, scene, cycle, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        r = client.get(reverse("evaluation:places_csv", args=[cycle.year]))
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    lp = next(row for row in rows if row["code"] == scene["longpo"].code)
    assert (lp["name"], lp["raised"], lp["funded"], lp["nearest_funded_m"]) == ("龍坡里", "3", "1", "0")
    g = client.get(reverse("evaluation:places_geojson", args=[cycle.year]))
    data = json.loads(g.content)
    feature = next(f for f in data["features"] if f["properties"]["code"] == scene["longpo"].code)
    assert data["type"] == "FeatureCollection" and feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["passed_assembly"] == 2
    assert client.get(reverse("evaluation:places_csv", args=[1999])).status_code == 404


@pytest.mark.django_db
def test_the_report_lists_villages_with_proposals_and_every_villages_distance(scene, cycle):
    from evaluation import services as report_services

    data = report_services.report_data(cycle=cycle, period="vote")
    section = next(s for s in data["sections"] if s["key"] == "places")
    villages, distances = section["tables"]
    by_name = {row[0]["zh-hant"]: row[1:] for row in villages["rows"]}
    assert by_name == {"大安區龍坡里": [3, 2, 1, 1, 0, 0], "大安區古莊里": [1, 0, 0, 0, 0, by_name["大安區古莊里"][-1]]}
    assert 300 < by_name["大安區古莊里"][-1] < 5000
    [[_label, n, median_m, within, farthest]] = distances["rows"]
    assert n == 456 and 0 < median_m <= farthest and 0 < within < 1
