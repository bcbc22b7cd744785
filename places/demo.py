"""The demo city's part of this app (called by portal.demo.build): Taipei's villages, and where the demo's
proposals are (portal/demo.py places them with `place_for`, through the proposals' own service)."""
import hashlib
import random

from . import geometry
from .models import Village
from .services import places_load


def seed(ref) -> dict:
    """Load the vendored Taipei boundaries once (idempotent: a loaded city is left as it is)."""
    if not Village.objects.exists():
        places_load()
    return {"villages": Village.objects.count()}


def place_for(key: str, district) -> tuple | None:
    """A plausible place for a demo item: a village of its district and a point inside it, both chosen
    from `key` (its title), so every run puts it in the same spot. None if the district has no village."""
    villages = list(Village.objects.filter(district=district).order_by("code"))
    if not villages:
        return None
    village = villages[_digest(key) % len(villages)]
    return (village, *point_in(village, key))


def _digest(key: str) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16)


def point_in(village, key: str) -> tuple:
    """A point inside `village` chosen from `key` (the same every run)."""
    rnd = random.Random(_digest(key))
    shape = geometry.prepared(f"village-{village.pk}", village.boundary)
    minx, miny, maxx, maxy = shape.bounds
    for _ in range(50):
        lon, lat = geometry.quantise(rnd.uniform(minx, maxx)), geometry.quantise(rnd.uniform(miny, maxy))
        if geometry.contains(shape, lon, lat):
            return lon, lat
    return village.centroid_lon, village.centroid_lat
