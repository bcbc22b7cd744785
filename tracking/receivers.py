"""Tracking reacts to the lifecycle: a project opens when a proposal enters execution (docs/decisions.md)."""
from django.dispatch import receiver

from proposals.signals import transitioned

from . import services


@receiver(transitioned, dispatch_uid="tracking.open_project")
def open_project(sender, proposal, log, actor, **kwargs):
    # Inside the transition's transaction: if this fails, the transition rolls back with it.
    services.project_open_for(proposal=proposal, log=log, actor=actor)
