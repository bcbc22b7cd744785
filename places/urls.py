from django.urls import path

from . import views

app_name = "places"

urlpatterns: list = [
    path("villages/<int:pk>.svg", views.village_svg, name="village_svg"),
]
