"""Mobilisation flags for assemblies and the vote, seen by the district office and the committee only
(docs/decisions.md, "Mobilisation flags").
"""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilisationConfig(AppConfig):
    name = "mobilisation"
    verbose_name = _("Mobilisation")

    def ready(self):
        from pbcity import pagecache
        from voting import observers

        from . import services, texts

        texts.register()
        # The coarse network and device of each accepted ballot's request (never the ballot).
        observers.on_cast(services.cast_trace_record)
        # No cached public page shows flags, and a trace is written with every ballot: none of these writes
        # may empty the page cache on election day.
        pagecache.register(self, ignore=["Flag", "FlagReview", "CastTrace", "NetworkErasure"])
