from django.urls import path

from . import views_places

app_name = "evaluation"

urlpatterns: list = [
    path("places/<int:year>/villages.csv", views_places.places_csv, name="places_csv"),
    path("places/<int:year>/villages.geojson", views_places.places_geojson, name="places_geojson"),
]
