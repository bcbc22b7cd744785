"""The cycle evaluation report: participation, representativeness, training, deliberation, fairness,
implementation (docs/decisions.md, "Evaluation report").
"""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from pbcity import pagecache

        from . import selectors  # noqa: F401 - registers the report's sections in order
        from .sections import on_publish_register
        from .services import networks_forget_on_publish

        # The network hashes of the vote's traces are kept only until the evaluation is published (issue 21).
        on_publish_register(networks_forget_on_publish)
        # The home page links the latest report: a new report invalidates the cached pages.
        pagecache.register(self)
