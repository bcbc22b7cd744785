from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from .picker import GRID, PICKER_WIDTH
from .selectors import village_outlines


@require_GET
def village_svg(request, pk):
    """A village's outline as an SVG image (the point picker's map), with the chosen point if any."""
    outlines = village_outlines(pk, PICKER_WIDTH)
    if not outlines["areas"]:
        raise Http404
    marker = None
    try:
        lon, lat = Decimal(request.GET["lon"]), Decimal(request.GET["lat"])
        x, y = outlines["proj"].xy(lon, lat)
        if 0 <= x <= outlines["width"] and 0 <= y <= outlines["height"]:
            marker = {"x": f"{x:.1f}", "y": f"{y:.1f}"}
    except (KeyError, InvalidOperation, ValueError):
        pass
    # faint lines of the squares the keyboard picker offers (places/picker.py), so both read the same map
    w, h = outlines["width"], outlines["height"]
    lines = ([{"x1": f"{w * i / GRID:.1f}", "y1": "0", "x2": f"{w * i / GRID:.1f}", "y2": h} for i in range(1, GRID)]
             + [{"x1": "0", "y1": f"{h * i / GRID:.1f}", "x2": w, "y2": f"{h * i / GRID:.1f}"} for i in range(1, GRID)])
    body = render_to_string("places/village.svg", {"o": outlines, "area": outlines["areas"][0], "marker": marker,
                                                   "lines": lines})
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


