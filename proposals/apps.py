from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        # What must hold between a proposal's records, for audit_verify and the scheduled verification.
        from . import audit_checks  # noqa: F401
