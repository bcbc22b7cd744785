"""Maps in any app's template: `{% place_map view %}` for a map its view built, `{% place_map_for items … %}`
for the objects a page already lists (duck-typed: places imports no app above it)."""
from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from places import svg
from places.selectors import place_map as build_map

register = template.Library()


@register.inclusion_tag("places/_map.html")
def place_map(view, table_id="place-map"):
    """Draw a map built by places.selectors.place_map (None draws nothing), with its table."""
    return {"map": view, "table_id": table_id}


def _get(obj, path: str):
    for part in filter(None, path.split(".")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


@register.inclusion_tag("places/_map.html")
def place_map_for(items, district=None, item="", via="", title="", count_label="", counts=None, flag="",
                  url_name="", url_pk="pk", flag_only=False, table_id="place-map", data_url="", data_text=""):
    """The map of the listed `items`: shading counts them per village (district map) or per district (city),
    unless `counts` (by village or district id) counts more than the page lists; each item with a point is a
    marker linking to its page.

    `item`: the attribute of each row holding the object (e.g. "project"); `via`: where its place is (e.g.
    "proposal": village_id, district_id, point_lon/lat); a `place_point` on the object (a project's refined
    point) wins. `flag`: an attribute that marks funded ("funded") against not funded markers; `flag_only`
    counts only flagged rows. `url_name` + `url_pk` give the marker's link, else get_absolute_url().
    """
    markers, own_counts = [], {}
    for row in items:
        obj = _get(row, item) if item else row
        target = _get(obj, via) if via else obj
        if obj is None or target is None:
            continue
        flagged = bool(_get(row, flag)) if flag else False
        key = getattr(target, "village_id", None) if district is not None else getattr(target, "district_id", None)
        if district is not None and getattr(target, "district_id", None) != district.pk:
            continue
        if key is not None and (flagged or not flag_only):
            own_counts[key] = own_counts.get(key, 0) + 1
        point = getattr(obj, "place_point", None)
        if point is None and getattr(target, "point_lon", None) is not None:
            point = (target.point_lon, target.point_lat)
        if point is None:
            continue
        url = reverse(url_name, args=[_get(row, url_pk)]) if url_name else obj.get_absolute_url()
        kind = ("funded" if flagged else "not_funded") if flag else ""
        label = str(getattr(obj, "title", obj))
        if flag:
            label = f"{label} ({_('funded') if flagged else _('not funded')})"
        markers.append(svg.Marker(float(point[0]), float(point[1]), label, url, kind))
    view = build_map(district=district, counts=counts if counts is not None else own_counts, markers=markers,
                     title=title, count_label=count_label,
                     links=[{"url": data_url, "text": data_text}] if data_url else None)
    return {"map": view, "table_id": table_id}
