"""Changes to K and votes per attendee, and corrected hand counts, keep who, when, why and the old value."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assemblies import selectors, services
from assemblies.models import Assembly, HandCount

from .conftest import record

pytestmark = pytest.mark.django_db


def test_changing_k_needs_a_reason_and_keeps_the_old_value(planned, district_staff, second_staff):
    with pytest.raises(ValidationError, match="Please say why K or the votes per attendee change"):
        services.assembly_update(assembly=planned, actor=district_staff, top_k=3)
    assert Assembly.objects.get(pk=planned.pk).top_k == 2
    services.assembly_update(assembly=planned, actor=second_staff, top_k=3, reason="區公所決議改為前三名")
    services.assembly_update(assembly=planned, actor=district_staff, votes_per_attendee=3, reason="提案多")
    services.assembly_update(assembly=planned, actor=district_staff, venue="大安區公所 11 樓")  # no reason needed
    rows = selectors.changes(assembly=planned)
    assert [(str(r["what"]), r["old"], r["new"], r["who"], r["why"]) for r in rows] == [
        ("top K", "2", "3", second_staff, "區公所決議改為前三名"),
        ("votes per attendee", 2, 3, district_staff, "提案多"),
    ]
    latest = planned.history.latest("history_date")
    assert latest.history_user == district_staff and latest.venue == "大安區公所 11 樓"


def test_edit_page_asks_for_the_reason_and_manage_page_shows_the_change(client, planned, district_staff):
    client.force_login(district_staff)
    url = reverse("assemblies:edit", args=[planned.pk])
    data = {"title": planned.title, "starts_at": planned.starts_at.strftime("%Y-%m-%dT%H:%M"), "venue": planned.venue,
            "top_k": 3, "votes_per_attendee": 2, "vote_method": "phone", "district_features": "", "reason": ""}
    resp = client.post(url, data)
    assert resp.status_code == 200 and "變更 K 值或每人票數時，請說明理由" in resp.content.decode()
    assert Assembly.objects.get(pk=planned.pk).top_k == 2
    resp = client.post(url, {**data, "reason": "區公所決議"})
    assert resp.status_code == 302
    html = client.get(reverse("assemblies:manage", args=[planned.pk])).content.decode()
    assert "K 值、票數與計票的變更紀錄" in html and "區公所決議" in html and str(district_staff) in html


def test_corrected_count_needs_a_reason_and_keeps_the_old_count(client, in_session, recorder, district_staff,
                                                                second_staff):
    a = in_session["assembly"]
    services.assembly_update(assembly=a, actor=district_staff, vote_method="paper")
    x = record(in_session, recorder, "一")
    services.vote_open(assembly=a, actor=district_staff)
    services.hand_count_enter(item=x, actor=district_staff, votes=3)
    with pytest.raises(ValidationError, match="Please say why the count is corrected"):
        services.hand_count_enter(item=x, actor=second_staff, votes=4)
    assert HandCount.objects.get().votes == 3
    services.hand_count_enter(item=x, actor=second_staff, votes=4, reason="重新點算少算一票")
    rows = selectors.changes(assembly=a)
    assert [(str(r["what"]), r["old"], r["new"], r["who"], r["why"]) for r in rows] == [
        ("how people vote", "On attendees' phones with their sign-in code",
         "Paper ballots or show of hands, counted by staff", district_staff, "Plan updated"),
        ("一", 3, 4, second_staff, "重新點算少算一票"),
    ]
    client.force_login(district_staff)
    html = client.get(reverse("assemblies:count", args=[a.pk])).content.decode()
    assert "重新點算少算一票" in html
    resp = client.post(reverse("assemblies:count", args=[a.pk]), {"item": x.pk, "action": "enter", "votes": 5},
                       follow=True)
    assert "更正票數時請說明理由" in resp.content.decode() and HandCount.objects.get().votes == 4
