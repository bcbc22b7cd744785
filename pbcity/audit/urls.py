from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.head, name="head"),
    path("heads.txt", views.heads_text, name="heads_text"),
]
