from django.apps import AppConfig


class AssembliesConfig(AppConfig):
    name = "assemblies"

    def ready(self):
        from pbcity import pagecache

        # A vote is written by every attendee at once; the results page shows the count once closed.
        pagecache.register(self, pages=["assemblies:results"], ignore=["vote"])

        from . import texts

        texts.register()

        from proposals import activity as proposal_activity

        from .activity import attended

        # Signing in at the assembly is taking part (proposals' orphan check).
        proposal_activity.register("assemblies.attended", attended)
