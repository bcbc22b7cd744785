from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"

    def ready(self):
        from pbcity.uploads import upload_field_register

        from . import texts

        texts.register()

        from .models import VoterDocument

        upload_field_register(model=VoterDocument, field="file")
