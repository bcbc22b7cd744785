"""Open data by village (evaluation.places_data): CSV and GeoJSON, for anyone, in both languages' names."""
import csv
import io
import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from pbcity.models import Cycle

from .places_data import FIELDS, as_geojson, village_statistics


def _cycle(year) -> Cycle:
    try:
        return Cycle.objects.get(year=year)
    except Cycle.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def places_csv(request, year):
    cycle = _cycle(year)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in village_statistics(cycle=cycle):
        writer.writerow(row.as_dict())
    # A BOM so spreadsheet programs read the Chinese names as UTF-8.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pbcity-villages-{cycle.year}.csv"'
    return response


@require_GET
def places_geojson(request, year):
    cycle = _cycle(year)
    body = json.dumps(as_geojson(village_statistics(cycle=cycle), cycle=cycle), ensure_ascii=False,
                      separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pbcity-villages-{cycle.year}.geojson"'
    return response
