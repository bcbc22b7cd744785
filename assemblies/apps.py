from django.apps import AppConfig


class AssembliesConfig(AppConfig):
    name = "assemblies"

    def ready(self):
        from . import texts

        texts.register()
