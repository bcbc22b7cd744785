from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PbcityConfig(AppConfig):
    default = True  # this module also holds the admin's config below
    name = "pbcity"
    verbose_name = _("City")

    def ready(self):
        # The audit chain: entries for new audit rows; after migrate, triggers and grants (docs/security.md).
        from django.db.models.signals import post_migrate

        from pbcity.audit import dbsetup, entries, tasks  # noqa: F401 - tasks registers the beat tasks

        entries.connect()
        # Public pages cached for anonymous visitors are invalidated by every write they show (docs/decisions.md).
        # The base's own entry in the registry the apps fill (docs/decisions.md, "Architecture: layers").
        from pbcity import pagecache

        pagecache.register(self, ignore=["user", "notification", "outboxmessage", "auditentry", "auditdailyhead",
                                         "taskfailure"])
        post_migrate.connect(dbsetup.on_post_migrate, sender=self, dispatch_uid="pbcity_audit_guards")


class PbcityAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with pbcity's site: login through allauth, TOTP required."""

    default = False  # named explicitly in INSTALLED_APPS; PbcityConfig stays this module's default
    default_site = "pbcity.admin_site.PbcityAdminSite"
