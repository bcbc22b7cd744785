"""The root URLconf (ROOT_URLCONF): the home page and every app's URLs. It sits in the top layer because
it names every app; pbcity/urls.py keeps the base's own pages (inbox, audit, accounts, admin, language)."""
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("pbcity.urls")),
    path("proposals/", include("proposals.urls")),
    path("training/", include("training.urls")),
    path("assemblies/", include("assemblies.urls")),
    path("tracking/", include("tracking.urls")),
    path("voting/", include("voting.urls")),
    path("deliberation/", include("deliberation.urls")),
    path("places/", include("places.urls")),
    path("accountability/", include("accountability.urls")),
    path("mobilisation/", include("mobilisation.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("cyclekit/", include("cyclekit.urls")),
]
