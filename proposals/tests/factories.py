import factory

from pbcity.tests.factories import CycleFactory, DistrictFactory
from proposals.models import Proposal, ProposalProposer


class ProposalFactory(factory.django.DjangoModelFactory):
    """Creates a proposal in its first state; move it with `proposals.services` only."""

    class Meta:
        model = Proposal

    cycle = factory.SubFactory(CycleFactory)
    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"公園增設遮陽棚 {n}")
    problem = "夏天公園沒有遮蔭。"
    solution = "增設遮陽棚。"
    location = "大安森林公園"
    estimated_cost = 500000
    category = "parks"


def add_proposer(proposal, user=None, name="王小明"):
    return ProposalProposer.objects.create(proposal=proposal, user=user, name=str(user) if user else name)
