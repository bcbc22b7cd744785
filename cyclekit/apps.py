from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclekitConfig(AppConfig):
    name = "cyclekit"
    verbose_name = _("Cyclekit")
