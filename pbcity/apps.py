from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PbcityConfig(AppConfig):
    default = True  # this module also holds the admin's config below
    name = "pbcity"
    verbose_name = _("City")


class PbcityAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with pbcity's site: login through allauth, TOTP required."""

    default = False  # named explicitly in INSTALLED_APPS; PbcityConfig stays this module's default
    default_site = "pbcity.admin_site.PbcityAdminSite"
