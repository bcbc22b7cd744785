from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from pbcity import pagecache
        from pbcity.uploads import upload_field_register
        from proposals.signals import transitioned

        from . import texts

        texts.register()

        from .models import Attachment

        upload_field_register(model=Attachment, field="file")
        from . import follows

        follows.register()  # people can follow its pages (pbcity.follows)
        # Public pages show proposals: their writes and transitions invalidate the page cache.
        pagecache.register(self, pages=["proposals:list", "proposals:detail"], signals=[transitioned])
        # What must hold between a proposal's records, for audit_verify and the scheduled verification.
        from . import (
            activity,
            audit_checks,  # noqa: F401
        )
        from .activity_sources import consents_given

        # A proposer's own consent is taking part (proposals.activity; higher apps add theirs).
        activity.register("proposals.consent", consents_given)
