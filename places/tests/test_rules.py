from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from places import geometry, rules

SQUARE = {"type": "Polygon", "coordinates": [[[121.0, 25.0], [121.01, 25.0], [121.01, 25.01], [121.0, 25.01],
                                              [121.0, 25.0]]]}


class V:
    def __init__(self, district_id=1, boundary=SQUARE, name="龍坡里"):
        self.district_id, self.boundary, self.name = district_id, boundary, name


@pytest.mark.parametrize(("lon", "lat", "inside"), [
    ("121.005", "25.005", True),
    ("121.0", "25.005", True),  # on the boundary counts as inside
    ("121.0100001", "25.005", False),
    ("120.995", "25.005", False),
    ("500", "25.005", False),  # not a longitude at all
])
def test_point_in_village(lon, lat, inside):
    assert rules.point_in_village(boundary=SQUARE, lon=Decimal(lon), lat=Decimal(lat)) is inside


def test_place_check_accepts_a_village_of_the_district_with_a_point_inside():
    rules.place_check(district_id=1, village=V(), lon=Decimal("121.005"), lat=Decimal("25.005"), village_required=True)
    rules.place_check(district_id=1, village=V(), lon=None, lat=None, village_required=True)
    rules.place_check(district_id=1, village=None, lon=None, lat=None, village_required=False)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"village": None, "lon": None, "lat": None, "village_required": True}, "請選擇提案所在的里"),
    ({"village": None, "lon": Decimal("121.005"), "lat": Decimal("25.005"), "village_required": False},
     "請先選擇里，再標示地點"),
    ({"village": V(district_id=2), "lon": None, "lat": None, "village_required": True}, "龍坡里不在這個行政區"),
    ({"village": V(), "lon": Decimal("121.02"), "lat": Decimal("25.005"), "village_required": True},
     "這個地點不在龍坡里範圍內"),
    ({"village": V(), "lon": Decimal("121.005"), "lat": None, "village_required": True}, "請同時填寫地點的經度與緯度"),
])
def test_place_check_names_what_is_wrong(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        rules.place_check(district_id=1, **kwargs)


def test_distance_is_geodesic_metres():
    # one minute of latitude is one nautical mile, about 1,853 m on the mean sphere
    assert geometry.distance_m(121.5, 25.0, 121.5, 25.0 + 1 / 60) == pytest.approx(1853.2, abs=1)
    # a degree of longitude at 25°N is cos(25°) of one at the equator
    assert geometry.distance_m(121, 25, 122, 25) == pytest.approx(100_772, rel=0.002)


def test_a_crescent_gets_a_centroid_inside_it():
    crescent = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [0, 3], [0, 2.5], [2.5, 2.5], [2.5, 0.5],
                                                    [0, 0.5], [0, 0]]]}
    lon, lat = geometry.centroid(crescent)
    assert geometry.contains(crescent, lon, lat)


@pytest.mark.parametrize(("track", "loaded", "needed"), [
    ("district", True, True),
    ("district", False, False),  # a city that has not loaded its villages proposes as before
    ("city_theme", True, False),  # a city-wide theme spans villages
    ("group", True, False),
    ("", True, False),
])
def test_a_proposal_needs_its_village_only_as_a_district_proposal_where_villages_are_loaded(track, loaded, needed):
    assert rules.village_needed(track=track, villages_loaded=loaded) is needed
