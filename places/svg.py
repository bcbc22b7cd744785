"""Server-rendered SVG maps: projection, simplification, and the cached outlines of each map (pure).

A map is the city (its districts) or one district (its villages). Outlines are projected with a local
equirectangular projection (x = lon·cos φ0, y = −lat, φ0 the map's middle latitude: at Taipei's size it
distorts less than a pixel), simplified to about a pixel, and cached per map (in-process and in the
Django cache), so a page only adds its markers and shading. Apps pass markers; they never read outlines.
"""
import math
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from shapely.geometry import shape

WIDTH = 600  # viewBox units; the SVG scales to the page (CSS), so this is only the drawing's resolution
PAD = 8
_VERSION_KEY = "places:outlines:version"
_local: dict[str, dict] = {}
# Shading: five steps of one hue, light to dark, with a 3:1 contrast against white at the darker end.
SHADES = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]


@dataclass(frozen=True)
class Projection:
    min_lon: float
    max_lat: float
    k: float  # cos φ0
    scale: float

    def xy(self, lon, lat) -> tuple[float, float]:
        return (PAD + (float(lon) - self.min_lon) * self.k * self.scale,
                PAD + (self.max_lat - float(lat)) * self.scale)

    def lonlat(self, x, y) -> tuple[float, float]:
        return (self.min_lon + (float(x) - PAD) / (self.k * self.scale),
                self.max_lat - (float(y) - PAD) / self.scale)


def projection_for(bounds: tuple[float, float, float, float], width: int = WIDTH) -> tuple[Projection, int]:
    """The projection fitting `bounds` (min lon, min lat, max lon, max lat) into `width`; and the height."""
    minx, miny, maxx, maxy = bounds
    k = math.cos(math.radians((miny + maxy) / 2))
    span_x = max((maxx - minx) * k, 1e-9)
    scale = (width - 2 * PAD) / span_x
    height = int(math.ceil((maxy - miny) * scale + 2 * PAD))
    return Projection(minx, maxy, k, scale), height


def path_d(geojson: dict, proj: Projection, tolerance: float) -> str:
    """An SVG path for a (Multi)Polygon, simplified to `tolerance` degrees, in whole viewBox units/10."""
    geom = shape(geojson).simplify(tolerance, preserve_topology=True)
    polys = getattr(geom, "geoms", [geom])
    parts = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            pts = [proj.xy(x, y) for x, y in ring.coords]
            if len(pts) < 4:
                continue
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts[:-1]) + "Z")
    return "".join(parts)


def outline_set(key: str, areas: list[dict] | None, width: int = WIDTH, areas_fn=None) -> dict:
    """Project and simplify `areas` ({"key", "name", "name_en", "boundary"}) once; cached under `key`.

    `areas_fn` reads them only on a cache miss (the outlines are the heavy part of a map page).

    `key` must change when the boundaries do (places_load clears the cache: outlines_forget).
    """
    full_key = f"places:outlines:v{cache.get(_VERSION_KEY, 1)}:{key}:{width}"
    hit = _local.get(full_key) or cache.get(full_key)
    if hit is not None:
        _local[full_key] = hit
        return hit
    if areas is None:
        areas = areas_fn()
    if not areas:
        return {"width": width, "height": 0, "proj": None, "areas": []}
    bounds = [shape(a["boundary"]).bounds for a in areas]
    total = (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds),
             max(b[3] for b in bounds))
    proj, height = projection_for(total, width)
    tolerance = 0.8 / proj.scale  # under a pixel at full width
    out = {
        "width": width, "height": height, "proj": proj,
        "areas": [{"key": a["key"], "name": a["name"], "name_en": a["name_en"],
                   "d": path_d(a["boundary"], proj, tolerance)} for a in areas],
    }
    _local[full_key] = out
    cache.set(full_key, out, 24 * 3600)
    return out


def outlines_forget() -> None:
    """Boundaries changed: drop every cached outline (the version stamp moves on, for every process)."""
    # A fresh token, not a counter: a counter could come back to a value an older load used (a restored
    # cache, a rolled-back test) and meet that load's outlines.
    _local.clear()
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def shade_step(count: int, top: int) -> int:
    """0 for nothing, else 1–4: the quarter of the page's highest count that `count` falls in."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * count / top)))


def shade(count: int, top: int) -> str:
    return SHADES[shade_step(count, top)]


@dataclass
class Marker:
    lon: float
    lat: float
    label: str
    url: str
    kind: str = ""  # a CSS-free hint: "funded", "not_funded", "" (draws a different symbol)


@dataclass
class MapView:
    title: str
    width: int
    height: int
    areas: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    legend: list = field(default_factory=list)
    count_label: str = ""
    hidden_markers: int = 0
    links: list = field(default_factory=list)


def map_view(*, outlines: dict, counts: dict, markers: list[Marker], title: str, count_label: str,
             english: bool, area_urls: dict | None = None, marker_cap: int = 200,
             links: list | None = None) -> MapView:
    """Everything the template draws: shaded areas with their counts, projected markers, the legend."""
    proj = outlines["proj"]
    top = max(counts.values(), default=0)
    areas = []
    for a in outlines["areas"]:
        n = counts.get(a["key"], 0)
        areas.append({"d": a["d"], "name": a["name_en"] if english else a["name"], "count": n,
                      "fill": shade(n, top), "url": (area_urls or {}).get(a["key"], "")})
    drawn = []
    for m in markers[:marker_cap] if proj else []:
        x, y = proj.xy(m.lon, m.lat)
        drawn.append({"x": f"{x:.1f}", "y": f"{y:.1f}", "label": m.label, "url": m.url, "kind": m.kind})
    legend = []
    if top:
        steps = sorted({shade_step(n, top) for n in counts.values() if n > 0})
        legend = [{"fill": SHADES[s], "text": step_text(s, top)} for s in steps]
    return MapView(title=title, width=outlines["width"], height=outlines["height"], areas=areas, markers=drawn,
                   legend=legend, count_label=count_label, hidden_markers=max(0, len(markers) - marker_cap),
                   links=links or [])


def step_text(step: int, top: int) -> str:
    """The counts a shading step stands for, e.g. "3–4"."""
    lo, hi = math.floor(top * (step - 1) / 4) + 1, math.floor(top * step / 4)
    return f"{hi}" if lo >= hi else f"{lo}–{hi}"
