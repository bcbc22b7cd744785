from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"

    def ready(self):
        from . import texts

        texts.register()
