"""The demo runs through the real services, gives results in several districts, and is idempotent."""
import pytest

from assemblies import demo
from assemblies.models import Assembly, TieBreak
from pbcity import demo as city_demo
from proposals.models import Proposal
from tracking.demo import complete_with_report
from training.tests.factories import card_holder

pytestmark = pytest.mark.django_db


def test_demo_assemblies(django_capture_on_commit_callbacks):
    ref = city_demo.reference_data()
    ref["cycles"] = city_demo.cycles()
    ref["users"] = city_demo.users(ref)
    for i in range(4):
        card_holder(email=f"citizen-daan-{i}@demo.pbcity.tw")
    demo.seed(ref, complete=complete_with_report)
    demo.seed(ref, complete=complete_with_report)  # a second run adds nothing
    closed = Assembly.objects.filter(status="closed")
    assert closed.count() == len(demo.CLOSED)
    assert closed.values("district").distinct().count() >= 4
    assert Assembly.objects.filter(status="planned").count() == 1
    assert TieBreak.objects.count() == 1  # Zhongshan's tie at rank 2
    wanhua = closed.get(district__code="wanhua")
    assert wanhua.items.get(votes=6).passed is False  # exactly half of 12
    states = set(Proposal.objects.values_list("state", flat=True))
    assert {"assembly_passed", "assembly_rejected", "completed"} <= states
    planned = Assembly.objects.get(status="planned")
    from assemblies.selectors import past_successes

    assert past_successes(assembly=planned).exists()
