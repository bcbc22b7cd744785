"""Choosing a point on a village's map, with or without JavaScript (docs/decisions.md, "Places").

Without JavaScript the village map is an `<input type="image">`: a click submits the form with the pixel
clicked (`place_pick.x`, `place_pick.y`), which `picked_point` turns back into longitude and latitude with
the map's own projection. Keyboard users get a grid of buttons, one per cell of the map that lies in the
village (`place_cell`). With JavaScript (static/places/picker.js) a click only fills the two fields.
"""
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.translation import gettext as _

from . import geometry
from .models import Village
from .selectors import village_outlines

PICKER_WIDTH = 300
GRID = 6


def _village(value) -> Village | None:
    try:
        return Village.objects.get(pk=int(value))
    except (TypeError, ValueError, Village.DoesNotExist):
        return None


def picked_point(post, *, prefix: str = "") -> dict | None:
    """When the form was sent by the map (a click, a cell or "show the map"), the values to show it again
    with: the posted fields, with the point filled in. None when the form was sent to be saved."""
    village_field, lon_field, lat_field = f"{prefix}village", f"{prefix}point_lon", f"{prefix}point_lat"
    if not any(k in post for k in ("place_pick.x", "place_cell", "place_show")):
        return None
    # A field sent several times (checkboxes) keeps all its values.
    values = {k: (post.getlist(k) if hasattr(post, "getlist") and len(post.getlist(k)) > 1 else post.get(k))
              for k in post}
    village = _village(post.get(village_field))
    lonlat = None
    if village is not None and "place_pick.x" in post:
        try:
            x, y = int(post["place_pick.x"]), int(post["place_pick.y"])
        except (TypeError, ValueError, KeyError):
            x = y = None
        if x is not None and (x, y) != (0, 0):  # (0, 0): the image activated from the keyboard, no click
            proj = village_outlines(village.pk, PICKER_WIDTH)["proj"]
            lonlat = proj.lonlat(x, y)
    elif village is not None and "place_cell" in post:
        try:
            lon, lat = (Decimal(v) for v in post["place_cell"].split(",", 1))
            lonlat = (lon, lat)
        except (ValueError, InvalidOperation):
            lonlat = None
    if lonlat is not None:
        values[lon_field], values[lat_field] = (str(geometry.quantise(v)) for v in lonlat)
    return values


def picker_context(village_id, lon=None, lat=None) -> dict | None:
    """What the picker template draws for the chosen village: the image, its projection, the cells."""
    village = _village(village_id)
    if village is None:
        return None
    outlines = village_outlines(village.pk, PICKER_WIDTH)
    proj = outlines["proj"]
    shape = geometry.prepared(f"village-{village.pk}", village.boundary)
    cells = []
    cell_w, cell_h = outlines["width"] / GRID, outlines["height"] / GRID
    for r in range(GRID):
        row = []
        for c in range(GRID):
            clon, clat = proj.lonlat((c + 0.5) * cell_w, (r + 0.5) * cell_h)
            inside = geometry.contains(shape, clon, clat)
            row.append({"inside": inside, "value": f"{geometry.quantise(clon)},{geometry.quantise(clat)}",
                        "label": _("Row %(r)s, column %(c)s") % {"r": r + 1, "c": c + 1}})
        cells.append(row)
    query = f"?lon={lon}&lat={lat}" if lon not in (None, "") and lat not in (None, "") else ""
    return {
        "village": village, "width": outlines["width"], "height": outlines["height"],
        "src": reverse("places:village_svg", args=[village.pk]) + query,
        "proj": {"min_lon": proj.min_lon, "max_lat": proj.max_lat, "k": proj.k, "scale": proj.scale},
        "cells": cells, "grid": GRID,
    }
