from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Places")

    def ready(self):
        from pbcity import pagecache

        # The maps on cached public pages (the proposal list) draw the villages: a reload invalidates them.
        pagecache.register(self)
