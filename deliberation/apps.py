from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"

    def ready(self):
        # Public pages show what this app records: its writes invalidate the page cache.
        from pbcity import pagecache

        pagecache.register(self)

        from . import texts

        texts.register()
