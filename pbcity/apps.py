from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PbcityConfig(AppConfig):
    name = "pbcity"
    verbose_name = _("City")
