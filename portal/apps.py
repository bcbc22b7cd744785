from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: what needs every app (the home page, the root URLconf, the demo city).
    Nothing imports it (docs/decisions.md, "Architecture: layers")."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from pbcity import pagecache

        pagecache.register(self, pages=["home"])
