from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"

    def ready(self):
        # Invariants and hooks for audit_verify and the scheduled verification (pbcity/audit/invariants.py).
        from . import audit_checks  # noqa: F401
