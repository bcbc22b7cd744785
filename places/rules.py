"""The rules of places, as pure functions (docs/decisions.md, "Places")."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import geometry

LON_RANGE = (-180, 180)
LAT_RANGE = (-90, 90)


def point_whole(lon, lat) -> bool:
    """A point is both coordinates or neither."""
    return (lon is None) == (lat is None)


def point_in_village(*, boundary: dict, lon, lat) -> bool:
    """A place's point lies inside its village (the boundary counts as inside)."""
    if not (LON_RANGE[0] <= float(lon) <= LON_RANGE[1] and LAT_RANGE[0] <= float(lat) <= LAT_RANGE[1]):
        return False
    return geometry.contains(boundary, lon, lat)


def village_in_district(*, village_district_id, district_id) -> bool:
    """A proposal's village belongs to the proposal's district."""
    return village_district_id == district_id


def village_needed(*, track: str, villages_loaded: bool) -> bool:
    """A proposal needs its village (里) once raised: a district proposal, in a district whose villages are
    loaded (a city that has not run places_load proposes as before; city-wide and group proposals may span
    villages)."""
    return track == "district" and villages_loaded


VILLAGE_CODES = ("village_required", "village_district")  # errors about the village, not the point


def place_check(*, district_id, village, lon, lat, village_required: bool) -> None:
    """Raise a ValidationError naming what is wrong with a place; None when it is acceptable."""
    if not point_whole(lon, lat):
        raise ValidationError(_("Give both the longitude and the latitude of the point, or neither."),
                              code="point_whole")
    if village is None:
        if village_required:
            raise ValidationError(_("Choose the village (里) where the proposal is."), code="village_required")
        if lon is not None:
            raise ValidationError(_("Choose the village (里) before placing a point."), code="village_required")
        return
    if not village_in_district(village_district_id=village.district_id, district_id=district_id):
        raise ValidationError(_("The village %(village)s is not in this district.") % {"village": village.name},
                              code="village_district")
    if lon is not None and not point_in_village(boundary=village.boundary, lon=lon, lat=lat):
        raise ValidationError(_("The point is not inside the village %(village)s.") % {"village": village.name},
                              code="point_outside")
