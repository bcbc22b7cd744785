"""Celery tasks of the deliberation stage, one module per area; imported here so the worker's autodiscovery
(which imports `deliberation.tasks`) registers them all. Queue them by name:
`enqueue("deliberation.tasks.<module>.<task>", …)`."""
from . import panel, premeeting  # noqa: F401
