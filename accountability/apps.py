"""After the vote: the committee's PB group meetings, public hearings during execution (docs/decisions.md,
"Accountability: meetings and hearings").
"""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability")

    def ready(self):
        from pbcity import pagecache

        from . import panels, sources

        sources.register()  # overdue follow-ups and local opposition wait on the agenda (pbcity.agenda)
        panels.register()  # decisions and hearings on project and proposal pages (pbcity.panels)
        # Public pages (minutes, hearings, the project page's panel) show these records.
        pagecache.register(self, pages=["accountability:minutes", "accountability:hearings",
                                        "accountability:hearing"])
