"""Tests written for mutants that survived the mutation run (docs/mutation.md)."""
import pytest

from pbcity.tests.factories import UserFactory
from proposals import conditions
from proposals import permissions as perm
from proposals.models import Proposal, ProposalProposer
from proposals.states import State

from .lifecycle_helpers import Cast, side_track_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def test_each_of_several_proposers_is_a_proposer(cast, cycle):
    """`any`, not `all`: the second of two proposers is a proposer too; a stranger is not."""
    p = cast.walk(cycle, State.RAISED)
    second = UserFactory()
    ProposalProposer.objects.create(proposal=p, user=second, name=str(second))
    p = Proposal.objects.get(pk=p.pk)
    assert perm.is_proposer(p, cast.proposer) and perm.is_proposer(p, second)
    assert not perm.is_proposer(p, UserFactory())


def test_exclusion_needs_its_recorded_category(cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    assert not conditions.exclusion_category_chosen(p)
    side_track_evidence(p, "exclude", cast["district"])
    assert conditions.exclusion_category_chosen(Proposal.objects.get(pk=p.pk))


def test_consent_is_recorded_by_the_proposer_or_the_district_office_only(cast, cycle):
    """Role × proposer matrix for `can_record_consent`, walk-in proposers without an account included."""
    from django.contrib.auth.models import AnonymousUser

    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    own = p.proposers.get()
    other_user = UserFactory()
    other = ProposalProposer.objects.create(proposal=p, user=other_user, name=str(other_user))
    walk_in = ProposalProposer.objects.create(proposal=p, name="王小明", contact="0912-345-678")
    expected = {  # who: (own record, another proposer's record, a walk-in's record)
        "proposer": (True, False, False),
        "resident": (False, False, False),
        "district": (True, True, True),
        "district_other": (False, False, False),
        "district_no_mfa": (False, False, False),
        "civil": (False, False, False),
        "lead": (False, False, False),
    }
    for who, (mine, theirs, walk) in expected.items():
        user = cast[who]
        got = tuple(perm.can_record_consent(p, user, pp) for pp in (own, other, walk_in))
        assert got == (mine, theirs, walk), who
    assert perm.can_record_consent(p, other_user, other) and not perm.can_record_consent(p, other_user, own)
    assert not any(perm.can_record_consent(p, AnonymousUser(), pp) for pp in (own, other, walk_in))


def test_the_proposer_revises_only_during_the_workshop(cast, cycle):
    """The proposer may revise the text in stage 1 of the workshop, not before; staff of other scopes never."""
    before = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    assert not perm.can_revise(before, cast.proposer)
    assert perm.can_revise(before, cast["district"]) and perm.can_revise(before, cast["lead"])
    workshop = cast.walk(cycle, State.IN_WORKSHOP)
    assert perm.can_revise(workshop, cast.proposer)
    for who in ("resident", "district_other", "other_agency", "civil", "district_no_mfa"):
        assert not perm.can_revise(workshop, cast[who]), who
