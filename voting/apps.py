from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"

    def ready(self):
        from pbcity import pagecache
        from pbcity.uploads import upload_field_register

        from . import texts

        texts.register()

        from .models import VoterDocument

        upload_field_register(model=VoterDocument, field="file")
        from . import follows

        follows.register()  # people can follow its pages (pbcity.follows)

        # Ballots, voters and their papers are written all through election day and no cached page shows
        # them (turnout may lag by PAGE_CACHE_SECONDS); comment reports only reach the moderators.
        pagecache.register(self, pages=["voting:results", "voting:rounds"], ignore=[
            "ballot", "ballotchoice", "ballotseal", "boardhead", "participation", "voter", "voterdocument",
            "voterdecision", "registerentry", "registerimport", "commentreport", "boardstratum",
        ])
        # Invariants and hooks for audit_verify and the scheduled verification (pbcity/audit/invariants.py).
        from . import audit_checks  # noqa: F401
