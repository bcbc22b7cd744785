"""Reads of places: villages for forms, and the maps every app draws its markers on."""
from django.utils.translation import get_language

from . import svg
from .models import DistrictArea, Village


def _english() -> bool:
    return (get_language() or "").startswith("en")


def village_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Villages grouped by district, for a <select> with one <optgroup> per district."""
    groups: dict[str, list] = {}
    en = _english()
    for v in Village.objects.select_related("district").only(
            "id", "name", "name_en", "district__name", "district__name_en", "district__id").order_by(
            "district_id", "code"):
        label = v.district.name_en if en else v.district.name
        groups.setdefault(label, []).append((v.pk, v.name_en if en else v.name))
    return list(groups.items())


def city_outlines() -> dict:
    """The city's districts, keyed by district id."""
    def areas():
        return [{"key": a.district_id, "name": a.district.name, "name_en": a.district.name_en,
                 "boundary": a.boundary} for a in DistrictArea.objects.select_related("district").order_by(
                     "district_id")]
    return svg.outline_set("city", None, areas_fn=areas)


def district_outlines(district_id: int) -> dict:
    """One district's villages, keyed by village id."""
    def areas():
        return [{"key": v.pk, "name": v.name, "name_en": v.name_en, "boundary": v.boundary}
                for v in Village.objects.filter(district_id=district_id).order_by("code")]
    return svg.outline_set(f"district-{district_id}", None, areas_fn=areas)


def village_outlines(village_id: int, width: int = 300) -> dict:
    """One village alone, for the point picker."""
    def areas():
        return [{"key": v.pk, "name": v.name, "name_en": v.name_en, "boundary": v.boundary}
                for v in Village.objects.filter(pk=village_id)]
    return svg.outline_set(f"village-{village_id}", None, width=width, areas_fn=areas)


def place_map(*, district=None, counts: dict, markers: list, title: str, count_label: str,
              area_urls: dict | None = None, links: list | None = None) -> svg.MapView | None:
    """The map of the city (district=None; `counts` by district id) or of a district (by village id).

    None when no boundaries are loaded (a city that has not run places_load sees no map, only its lists).
    """
    outlines = city_outlines() if district is None else district_outlines(district.pk)
    if not outlines["areas"]:
        return None
    return svg.map_view(outlines=outlines, counts=counts, markers=markers, title=title, count_label=count_label,
                        english=_english(), area_urls=area_urls, links=links)
