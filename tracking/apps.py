from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Project tracking")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the lifecycle receiver)
