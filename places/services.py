"""Writes of places: loading a city's boundaries, and the audited record of a place given or corrected."""
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pbcity.models import District

from . import geometry, topology
from .models import DistrictArea, PlaceChange, Village

TAIPEI_FILE = Path(__file__).resolve().parent / "data" / "taipei-villages.topo.json"


def _same_county(a: str, b: str) -> bool:
    # The atlas writes 台北市, the city writes 臺北市: the two forms of 台 are the same character.
    return a.replace("臺", "台") == b.replace("臺", "台")


def _english(props: dict) -> str:
    # The atlas gives "Zhangxin Vil."; the platform says "Zhangxin Village". No romanisation is guessed:
    # without VILLENG the official name stands (docs/decisions.md, "Places").
    eng = (props.get("VILLENG") or "").strip()
    if eng.endswith(" Vil."):
        eng = eng[: -len(" Vil.")] + " Village"
    return eng or props["VILLNAME"]


def places_load(*, path: Path | str = TAIPEI_FILE, county: str = "臺北市", object_name: str = "villages") -> dict:
    """Load (or update) one county's villages from a TopoJSON file, matched to the city's districts by name.

    Idempotent: villages are keyed by their code; a district's outline is the union of its villages.
    Returns counts. Refuses a file whose towns match no district, so a typo never loads an empty city.
    """
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        feats = [f for f in topology.features(data, object_name)
                 if _same_county(f["properties"].get("COUNTYNAME", ""), county)]
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(_("The boundaries file cannot be read: %(error)s") % {"error": exc}) from exc
    if not feats:
        raise ValidationError(_("The file has no village of %(county)s.") % {"county": county})
    districts = {d.name: d for d in District.objects.all()}
    unmatched = sorted({f["properties"]["TOWNNAME"] for f in feats} - set(districts))
    if unmatched:
        raise ValidationError(_("These districts of the file are not the city's districts: %(names)s")
                              % {"names": "、".join(unmatched)})
    rows = []
    for f in feats:
        p, geom = f["properties"], f["geometry"]
        lon, lat = geometry.centroid(geom)
        minx, miny, maxx, maxy = geometry.to_shape(geom).bounds
        rows.append(Village(
            code=p["VILLCODE"], name=p["VILLNAME"], name_en=_english(p), district=districts[p["TOWNNAME"]],
            boundary=geom, centroid_lon=lon, centroid_lat=lat,
            min_lon=minx, min_lat=miny, max_lon=maxx, max_lat=maxy,
        ))
    fields = ["name", "name_en", "district", "boundary", "centroid_lon", "centroid_lat",
              "min_lon", "min_lat", "max_lon", "max_lat"]
    with transaction.atomic():
        Village.objects.bulk_create(rows, update_conflicts=True, unique_fields=["code"], update_fields=fields,
                                    batch_size=200)
        by_district: dict[int, list[dict]] = {}
        for v in rows:
            by_district.setdefault(v.district.pk, []).append(v.boundary)
        for district_id, outlines in by_district.items():
            outline = geometry.union(outlines)
            lon, lat = geometry.centroid(outline)
            DistrictArea.objects.update_or_create(
                district_id=district_id, defaults={"boundary": outline, "centroid_lon": lon, "centroid_lat": lat}
            )
    from .svg import outlines_forget

    outlines_forget()
    return {"villages": len(rows), "districts": len(by_district)}


def place_change_record(*, subject: str, subject_id: int, village, lon, lat, actor, reason: str) -> PlaceChange:
    """The audit record of a place set on a proposal or a project (the caller checked the rules)."""
    return PlaceChange.objects.create(subject=subject, subject_id=subject_id, village=village,
                                      lon=lon, lat=lat, actor=actor, reason=reason)
