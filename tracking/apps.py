from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Project tracking")

    def ready(self):
        from pbcity.uploads import upload_field_register

        from . import (
            receivers,  # noqa: F401  (connects the lifecycle receiver)
            texts,
        )

        texts.register()
        from .models import Evidence, FinalReportPhoto
        from .services import IMAGE_TYPES

        upload_field_register(model=Evidence, field="file")
        upload_field_register(model=FinalReportPhoto, field="file", allowed=IMAGE_TYPES)
