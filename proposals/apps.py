from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from pbcity.uploads import upload_field_register

        from . import texts

        texts.register()

        from .models import Attachment

        upload_field_register(model=Attachment, field="file")
