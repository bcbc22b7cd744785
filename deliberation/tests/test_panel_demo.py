"""The panel demo draws, scores and closes a panel in two districts through the services, idempotently."""
import pytest

from deliberation.demo import panel as demo_panel
from deliberation.models import DrawRecord, ReviewPanel, Score, Verdict
from pbcity import demo as city_demo
from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from proposals import services as proposal_services
from proposals.models import Proposal
from training.tests.factories import card_holder

pytestmark = pytest.mark.django_db


def _in_workshop(ref, code, n):
    district, office = ref["districts"][code], ref["users"]["district"][code]
    for i in range(n):
        p = proposal_services.proposal_create(
            actor=office, cycle=ref["cycles"][2026], district=district, title=f"{district.name}示範提案 {i}",
            problem="p", solution="s", category="parks", proposers=[ref["users"]["residents"][i]],
        )
        proposal_services.proposal_transition(proposal=p, actor=office, transition_name="pass_assembly", reason="r")
        proposal_services.proposal_designate_agencies(proposal=p, actor=office, lead=ref["agencies"]["parks"],
                                                      reason="r")
        proposal_services.proposal_transition(proposal=p, actor=office, transition_name="send_to_workshop",
                                              reason="r")


def test_demo_panels(django_capture_on_commit_callbacks):
    ref = city_demo.reference_data()
    ref["cycles"] = city_demo.cycles()
    # The users the panel demo reads (city_demo.users would also make every agency's staff: slower).
    ref["users"] = {
        "civil": staff(Role.CIVIL_AFFAIRS), "committee": staff(Role.COMMITTEE),
        "district": {code: staff(Role.DISTRICT_OFFICE, district=d) for code, d in ref["districts"].items()},
        "residents": [UserFactory(name=f"居民{i}") for i in range(3)],
    }
    for code in ("daan", "wanhua"):
        _in_workshop(ref, code, 3)
        card_holder("deliberation", email=f"citizen-{code}-11@demo.pbcity.tw")
    for _ in range(7):
        card_holder("basic")
    for _ in range(3):
        card_holder("advanced")
    demo_panel.seed(ref)
    counts = (ReviewPanel.objects.count(), Score.objects.count(), Verdict.objects.count())
    demo_panel.seed(ref)  # a second run adds nothing
    assert (ReviewPanel.objects.count(), Score.objects.count(), Verdict.objects.count()) == counts
    panels = ReviewPanel.objects.filter(state="closed")
    assert {p.district.code for p in panels} == {"daan", "wanhua"}
    assert DrawRecord.objects.count() == 2
    for panel in panels:
        assert panel.seats.filter(source="alternate").count() == 1  # one apology, one alternate
        assert panel.seats.filter(seat_type="proposer", status="seated").count() == 2
    outcomes = set(Proposal.objects.filter(cycle__year=2026).values_list("state", flat=True))
    assert outcomes == {"review_passed", "review_failed"}
