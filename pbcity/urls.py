from django.contrib import admin
from django.urls import include, path

from pbcity import health, language, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("proposals/", include("proposals.urls")),
    path("training/", include("training.urls")),
    path("assemblies/", include("assemblies.urls")),
    path("tracking/", include("tracking.urls")),
    path("voting/", include("voting.urls")),
    path("deliberation/", include("deliberation.urls")),
    path("audit/", include("pbcity.audit.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/switch/", language.language_switch, name="language_switch"),
    path("account/language/", views.account_language, name="account_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
