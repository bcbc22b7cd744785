from django.apps import AppConfig


class AssembliesConfig(AppConfig):
    name = "assemblies"

    def ready(self):
        from pbcity import pagecache

        # A vote is written by every attendee at once; the results page shows the count once closed.
        pagecache.register(self, pages=["assemblies:results"], ignore=["vote"])

        from . import texts

        texts.register()
