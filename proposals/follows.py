"""Proposals people can follow (registered with pbcity.follows from ProposalsConfig.ready)."""
from django.utils.translation import gettext_lazy as _


def _can_follow(target_id, user) -> bool:
    from .models import Proposal

    # Only a public proposal: following a private one would reveal that it exists.
    return Proposal.objects.public().filter(pk=target_id).exists()


def _describe(ids) -> dict:
    from .models import Proposal

    return {p.pk: (p.title, p.get_absolute_url()) for p in Proposal.objects.public().filter(pk__in=ids)}


def _concerned(target_id, user) -> bool:
    from .models import ProposalProposer

    return ProposalProposer.objects.filter(proposal_id=target_id, user_id=user.pk).exists()


def register() -> None:
    from pbcity import follows

    follows.register("proposal", label=_("Proposal"), can_follow=_can_follow, describe=_describe,
                     concerned=_concerned)
