from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Project tracking")

    def ready(self):
        from pbcity import pagecache

        from . import receivers  # noqa: F401  (connects the lifecycle receiver)

        # Public pages show projects and milestones: their writes invalidate the page cache.
        pagecache.register(self)
