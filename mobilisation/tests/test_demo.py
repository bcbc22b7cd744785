"""The mobilisation demo: request traces for the demo's rounds with one network's burst each, flags
computed from them (one during the open vote, one after the opening), a committee review; idempotent."""
import pytest

from mobilisation import demo
from mobilisation.models import CastTrace, Flag, FlagReview
from pbcity import demo as city
from voting import demo as voting_demo
from voting import demo_rounds

pytestmark = pytest.mark.django_db


def demo_ref():
    ref = city.reference_data()
    ref["cycles"] = city.cycles()
    ref["users"] = city.users(ref)
    voting_demo.seed_voters(ref)
    ref["voting"] = {"rounds": demo_rounds.seed(ref)}
    return ref


def test_demo_flags_and_review_are_seeded_once():
    ref = demo_ref()
    demo.seed(ref)
    networks = Flag.objects.filter(kind=Flag.Kind.NETWORK, active=True)
    assert {f.round.status for f in networks} >= {"open", "tallied"}  # while it happens, and after
    assert all(f.count == demo.BURST for f in networks)
    reviewed = FlagReview.objects.values_list("flag__round__status", "decision")
    assert list(reviewed) == [("tallied", "investigate"), ("tallied", "benign")]
    counts = (CastTrace.objects.count(), Flag.objects.count(), FlagReview.objects.count())
    demo.seed(ref)
    assert (CastTrace.objects.count(), Flag.objects.count(), FlagReview.objects.count()) == counts
