"""Geometry the platform computes, with shapely on plain GeoJSON (no PostGIS; docs/decisions.md, "Places").

Coordinates are WGS84/TWD97 longitude, latitude in degrees. Distances are geodesic on the mean Earth
sphere (haversine, R = 6,371,008.8 m): within a city the error against the ellipsoid is under 0.5 %.
"""
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8
# Six decimals of a degree: about 0.1 m, finer than anyone clicks on a map.
COORD_QUANTUM = Decimal("0.000001")


def to_shape(geojson: dict) -> BaseGeometry:
    return shape(geojson)


@lru_cache(maxsize=2048)
def _cached_shape(key: str, frozen: str) -> BaseGeometry:
    import json

    geom = shape(json.loads(frozen))
    from shapely import prepare

    prepare(geom)
    return geom


def prepared(key: str, geojson: dict) -> BaseGeometry:
    """A prepared shape for repeated point tests, cached per key (e.g. the village code)."""
    import json

    return _cached_shape(key, json.dumps(geojson, sort_keys=True))


def quantise(value) -> Decimal:
    return Decimal(str(value)).quantize(COORD_QUANTUM, rounding=ROUND_HALF_UP)


def centroid(geojson: dict) -> tuple[Decimal, Decimal]:
    """The area's centroid, or a point surely inside it when the centroid falls outside (a crescent)."""
    geom = shape(geojson)
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return quantise(c.x), quantise(c.y)


def contains(geojson_or_shape, lon, lat) -> bool:
    """The point lies inside the area or on its boundary."""
    geom = geojson_or_shape if isinstance(geojson_or_shape, BaseGeometry) else shape(geojson_or_shape)
    return geom.covers(Point(float(lon), float(lat)))


def union(geojsons: list[dict]) -> dict:
    from shapely import unary_union
    from shapely.geometry import mapping

    merged = unary_union([shape(g) for g in geojsons])
    return _rounded(mapping(merged))


def _rounded(mapping_: dict) -> dict:
    def walk(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(c[0], 7), round(c[1], 7)]
        return [walk(x) for x in c]

    return {"type": mapping_["type"], "coordinates": walk(mapping_["coordinates"])}


def distance_m(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))
