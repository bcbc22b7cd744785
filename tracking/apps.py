from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Project tracking")

    def ready(self):
        from pbcity import pagecache
        from pbcity.uploads import IMAGE_EXTENSIONS, upload_field_register
        from proposals import activity

        from . import (
            agenda,
            follows,
            receivers,  # noqa: F401  (connects the lifecycle receiver)
            texts,
        )
        from .models import Evidence, FinalReportPhoto

        texts.register()  # system texts rendered in the reader's language (pbcity.systext)
        follows.register()  # people can follow its pages (pbcity.follows)
        agenda.register()  # what waits for the committee's PB group (pbcity.agenda)
        activity.register("tracking.answers", agenda.last_answer)  # a proposer's answers (orphan check)
        upload_field_register(model=Evidence, field="file")
        upload_field_register(model=FinalReportPhoto, field="file", allowed=IMAGE_EXTENSIONS)
        # Public pages show projects and milestones: their writes invalidate the page cache.
        pagecache.register(self)
