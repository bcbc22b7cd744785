from django.urls import path, register_converter

from . import views, views_places


class PeriodConverter:
    regex = r"vote|[0-9]{4}Q[1-4]"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PeriodConverter, "period")

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("population/", views.population, name="population"),
    path("<int:year>/", views.report, name="latest"),
    path("<int:year>/<period:period>/", views.report, name="report"),
    path("<int:year>/<period:period>/report-<str:lang>.pdf", views.report_pdf, name="pdf"),
    path("<int:year>/<period:period>/data.json", views.report_json, name="json"),
    path("<int:year>/<period:period>/data.csv", views.report_csv, name="csv"),
    path("places/<int:year>/villages.csv", views_places.places_csv, name="places_csv"),
    path("places/<int:year>/villages.geojson", views_places.places_geojson, name="places_geojson"),
]
