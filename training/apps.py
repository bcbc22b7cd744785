from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"

    def ready(self):
        # Public pages show what this app records: its writes invalidate the page cache.
        from pbcity import pagecache

        pagecache.register(self)
        # Invariants and hooks for audit_verify and the scheduled verification (pbcity/audit/invariants.py).
        from . import audit_checks  # noqa: F401
