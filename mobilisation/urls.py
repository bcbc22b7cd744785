from django.urls import path

from . import views

app_name = "mobilisation"

urlpatterns = [
    path("", views.flag_list, name="list"),
    path("<int:pk>/", views.flag_detail, name="detail"),
    path("recompute/", views.recompute, name="recompute"),
]
