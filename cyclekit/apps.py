from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclekitConfig(AppConfig):
    name = "cyclekit"
    verbose_name = _("Cycle verification kit")

    def ready(self):
        from pbcity import pagecache

        pagecache.register(self)  # no models: it writes files, never a page's data
