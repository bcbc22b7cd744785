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
    for r in ref["voting"]["rounds"]:
        # One trace per ballot cast (the demo's ballots had no browser), the burst within the first ones.
        assert CastTrace.objects.filter(round=r).count() == r.participations.count()
        networks = Flag.objects.filter(kind=Flag.Kind.NETWORK, active=True, round=r)
        if r.participations.count() >= demo.BURST:
            assert [f.count for f in networks] == [demo.BURST]
    assert Flag.objects.filter(kind=Flag.Kind.NETWORK, round__status="tallied").count() == 2
    reviewed = FlagReview.objects.values_list("flag__round__status", "decision")
    assert list(reviewed) == [("tallied", "investigate"), ("tallied", "benign")]
    counts = (CastTrace.objects.count(), Flag.objects.count(), FlagReview.objects.count())
    demo.seed(ref)
    assert (CastTrace.objects.count(), Flag.objects.count(), FlagReview.objects.count()) == counts
