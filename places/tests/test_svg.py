from places import svg
from places.selectors import district_outlines, place_map


def test_projection_round_trips_and_keeps_north_up():
    proj, height = svg.projection_for((121.5, 25.0, 121.6, 25.1), width=600)
    x, y = proj.xy(121.55, 25.05)
    lon, lat = proj.lonlat(x, y)
    assert abs(lon - 121.55) < 1e-9 and abs(lat - 25.05) < 1e-9
    assert proj.xy(121.5, 25.1)[1] < proj.xy(121.5, 25.0)[1]  # north is up
    assert 600 < height < 700  # a degree of longitude is shorter than one of latitude at 25°N


def test_shading_steps_and_their_legend():
    assert [svg.shade_step(n, 8) for n in (0, 1, 2, 3, 4, 8)] == [0, 1, 1, 2, 2, 4]
    assert svg.step_text(1, 8) == "1–2" and svg.step_text(4, 8) == "7–8"
    assert svg.step_text(4, 1) == "1"


def test_a_district_map_draws_each_village_once_and_the_markers_with_their_names(taipei):
    daan = taipei["daan"]
    outlines = district_outlines(daan.pk)
    assert len(outlines["areas"]) == 53 and all(a["d"].startswith("M") for a in outlines["areas"])
    village = daan.villages.get(name="龍坡里")
    view = place_map(district=daan, counts={village.pk: 3}, title="t", count_label="n",
                     markers=[svg.Marker(float(village.centroid_lon), float(village.centroid_lat), "公園", "/p/1/")])
    shaded = [a for a in view.areas if a["count"]]
    assert shaded == [{**shaded[0], "name": "龍坡里", "count": 3, "fill": svg.SHADES[4]}]
    x, y = float(view.markers[0]["x"]), float(view.markers[0]["y"])
    assert 0 < x < view.width and 0 < y < view.height


def test_the_outlines_are_cached_after_the_first_map(taipei, django_assert_num_queries):
    svg._local.clear()
    district_outlines(taipei["xinyi"].pk)
    svg._local.clear()  # a second process: the shared cache answers, no village is read again
    with django_assert_num_queries(2):  # the cache's version stamp and entry (the database cache in tests)
        district_outlines(taipei["xinyi"].pk)
