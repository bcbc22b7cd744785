"""The hand-count form refuses a forged or malformed item or count with a message, never a 500 (issue 7, item 7)."""
import pytest
from django.urls import reverse

from assemblies import services
from assemblies.models import HandCount

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("item", ["abc", "1.5", "", "-1", "99999999999999999999", "１", "²", "1\n"])
def test_malformed_item_is_a_message_not_a_server_error(client, in_session, recorder, district_staff, item):
    a = in_session["assembly"]
    services.assembly_update(assembly=a, actor=district_staff, vote_method="paper")
    record(in_session, recorder, "一")
    services.vote_open(assembly=a, actor=district_staff)
    client.force_login(district_staff)
    resp = client.post(reverse("assemblies:count", args=[a.pk]), {"item": item, "action": "enter", "votes": "3"},
                       follow=True)
    assert resp.status_code == 200
    assert "請選擇本場住民大會的提案。" in resp.content.decode()
    assert not HandCount.objects.exists()


@pytest.mark.parametrize("votes", ["abc", "1.5", "", "-1", "1e3", "99999999999999999999"])
def test_malformed_count_is_a_message(client, in_session, recorder, district_staff, votes):
    a = in_session["assembly"]
    services.assembly_update(assembly=a, actor=district_staff, vote_method="paper")
    x = record(in_session, recorder, "一")
    services.vote_open(assembly=a, actor=district_staff)
    client.force_login(district_staff)
    resp = client.post(reverse("assemblies:count", args=[a.pk]), {"item": x.pk, "action": "enter", "votes": votes},
                       follow=True)
    assert resp.status_code == 200 and "請輸入票數。" in resp.content.decode()
    assert not HandCount.objects.exists()


def test_an_item_of_another_assembly_is_refused(client, in_session, recorder, district_staff, planned):
    a = in_session["assembly"]
    services.assembly_update(assembly=a, actor=district_staff, vote_method="paper")
    record(in_session, recorder, "一")
    services.vote_open(assembly=a, actor=district_staff)
    other = services.assembly_plan(actor=district_staff, cycle=a.cycle, district=a.district, title="另一場",
                                   starts_at=a.starts_at, venue="別處", top_k=2, votes_per_attendee=2)
    client.force_login(district_staff)
    resp = client.post(reverse("assemblies:count", args=[other.pk]), {"item": a.items.get().pk, "votes": "1"})
    assert resp.status_code in (302, 400, 403, 404)
    assert not HandCount.objects.exists()
