from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Project tracking")

    def ready(self):
        from pbcity import pagecache
        from pbcity.uploads import upload_field_register

        from . import receivers  # noqa: F401  (connects the lifecycle receiver)
        from .models import Evidence, FinalReportPhoto
        from .services import IMAGE_TYPES

        upload_field_register(model=Evidence, field="file")
        from . import follows

        follows.register()  # people can follow its pages (pbcity.follows)
        upload_field_register(model=FinalReportPhoto, field="file", allowed=IMAGE_TYPES)
        # Public pages show projects and milestones: their writes invalidate the page cache.
        pagecache.register(self)
