"""The base's own pages; portal/urls.py (the root URLconf, top layer) includes them with every app's."""
from django.contrib import admin
from django.urls import include, path

from pbcity import health, language, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/settings/", views.notification_settings, name="notification_settings"),
    path("follow/<slug:kind>/<int:pk>/", views.follow, name="follow"),
    path("unfollow/<slug:kind>/<int:pk>/", views.unfollow, name="unfollow"),
    path("audit/", include("pbcity.audit.urls")),
    path("accounts/enrolment/", views.mfa_enrolment_needed, name="mfa_enrolment_needed"),
    path("accounts/enrolment/<str:token>/", views.mfa_enrolment, name="mfa_enrolment"),
    path("accounts/", include("allauth.urls")),
    path("i18n/switch/", language.language_switch, name="language_switch"),
    path("account/language/", views.account_language, name="account_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
