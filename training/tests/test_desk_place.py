"""The consultation desk's draft asks for the village (and offers the village's map); the village may wait
until the district office raises the draft, which needs it (places.rules.village_needed)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pbcity.tests.factories import UserFactory
from places.models import Village
from places.tests.helpers import load_taipei
from proposals import services as proposal_services
from proposals.models import Proposal
from training.models import Consultation, ConsultationSlot

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(district):
    load_taipei()
    slot = ConsultationSlot.objects.create(
        district=district, starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=1, hours=1), place="大安區公所 2 樓")
    return Consultation.objects.create(slot=slot, resident=UserFactory(name="吳小姐"), topic="公園遮蔭")


def _data(cycle, **extra):
    return {"draft": "1", "cycle": cycle.pk, "title": "公園加裝遮陽棚", "problem": "夏天太熱", "solution": "加裝遮陽棚",
            "category": "parks", "location": "", **extra}


def test_the_desk_places_the_draft_with_the_map_or_leaves_the_village_for_later(client, booking, cycle,
                                                                                district_staff):
    url = reverse("training:desk_detail", args=[booking.pk])
    client.force_login(district_staff)
    html = client.get(url).content.decode()
    assert "龍坡里" in html and "關渡里" not in html
    v = Village.objects.get(name="龍坡里")
    r = client.post(url, _data(cycle, village=v.pk, place_cell=f"{v.centroid_lon},{v.centroid_lat}"))
    assert r.status_code == 200 and f'value="{v.centroid_lon}"' in r.content.decode()
    assert "夏天太熱" in r.content.decode() and not Proposal.objects.exists()
    r = client.post(url, _data(cycle, village=v.pk, point_lon="121.6", point_lat="25.1"))
    assert r.status_code == 400 and "不在龍坡里範圍內" in r.content.decode()
    r = client.post(url, _data(cycle))  # no village yet: a draft may wait for it
    assert r.status_code == 302
    p = Proposal.objects.get(title="公園加裝遮陽棚")
    assert p.state == "draft" and p.village is None
    with pytest.raises(ValidationError, match="提出前請先選擇提案所在的里"):
        proposal_services.proposal_transition(proposal=p, actor=district_staff, transition_name="raise_proposal",
                                              reason="住民大會提出")
    proposal_services.proposal_place_set(proposal=p, actor=district_staff, village=v, reason="諮詢後確認地點")
    proposal_services.proposal_transition(proposal=p, actor=district_staff, transition_name="raise_proposal",
                                          reason="住民大會提出")
    assert Proposal.objects.get(pk=p.pk).state == "raised"
