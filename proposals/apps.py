from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        # Public pages show proposals: their writes and transitions invalidate the page cache.
        from pbcity import pagecache
        from proposals.signals import transitioned

        pagecache.register(self, pages=["proposals:list", "proposals:detail"], signals=[transitioned])
