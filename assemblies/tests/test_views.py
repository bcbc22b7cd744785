"""The pages over HTTP: clear messages on bad input, and the published results in every format."""
import json
import shutil
import subprocess

import pytest
from django.urls import reverse

from assemblies import services
from assemblies.models import Attendee, Vote
from proposals.models import Proposal

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(in_session, recorder, district_staff):
    a, people = in_session["assembly"], in_session["people"]
    x, _y = record(in_session, recorder, "公園增設遮陽棚"), record(in_session, recorder, "巷弄夜間照明補強")
    a = services.vote_open(assembly=a, actor=district_staff)
    for att in people[:3]:
        services.vote_cast(assembly=a, code=att.code, item_id=x.pk)
    services.assembly_close(assembly=a, actor=district_staff)
    return a


def test_public_pages_render(client, planned):
    assert client.get(reverse("assemblies:list")).status_code == 200
    resp = client.get(reverse("assemblies:detail", args=[planned.pk]))
    assert resp.status_code == 200 and "大安森林公園" in resp.content.decode()


def test_unknown_code_on_the_vote_page(client, in_session, recorder, district_staff):
    record(in_session, recorder, "一")
    a = services.vote_open(assembly=in_session["assembly"], actor=district_staff)
    resp = client.post(reverse("assemblies:vote", args=[a.pk]), {"code": "WRONG123"})
    assert resp.status_code == 400
    assert "此代碼不適用於本場住民大會" in resp.content.decode()  # zh-Hant by default


def test_vote_after_closing_is_refused_over_http(client, closed):
    att = Attendee.objects.filter(assembly=closed).last()
    item = closed.items.last()
    before = Vote.objects.count()
    resp = client.post(reverse("assemblies:vote_cast", args=[closed.pk]), {"code": att.code, "item": item.pk})
    assert resp.status_code == 400 and Vote.objects.count() == before


def test_phone_vote_flow(client, in_session, recorder, district_staff):
    item = record(in_session, recorder, "一")
    a = services.vote_open(assembly=in_session["assembly"], actor=district_staff)
    code = in_session["people"][0].code
    resp = client.post(reverse("assemblies:vote", args=[a.pk]), {"code": code.lower()})
    assert resp.status_code == 302
    resp = client.post(reverse("assemblies:vote_cast", args=[a.pk]), {"item": item.pk}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and Vote.objects.filter(item=item).count() == 1


def test_recorder_without_card_gets_a_clear_message(client, planned, district_staff, lead):
    from training.tests.factories import card_holder

    services.assembly_open(assembly=planned, actor=district_staff)
    no_card = card_holder(level="basic")
    client.force_login(district_staff)
    resp = client.post(reverse("assemblies:tables", args=[planned.pk]),
                       {"number": 1, "lead": lead.email, "recorder": no_card.email})
    assert resp.status_code == 400 and "須持有有效的審議卡" in resp.content.decode()
    assert not planned.tables.exists()


def test_similar_partial_for_the_recorder(client, in_session, recorder):
    record(in_session, recorder, "公園增設遮陽棚")
    client.force_login(recorder)
    resp = client.get(reverse("assemblies:similar", args=[in_session["assembly"].pk]), {"title": "公園加裝遮陽棚"})
    assert "公園增設遮陽棚" in resp.content.decode()


def test_results_pages_and_exports(client, closed):
    assert client.get(reverse("assemblies:results", args=[closed.pk])).status_code == 200
    assert client.get(reverse("assemblies:screen", args=[closed.pk])).status_code == 200
    csv_text = client.get(reverse("assemblies:results_csv", args=[closed.pk])).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("assembly_id,") and "公園增設遮陽棚" in csv_text
    data = json.loads(client.get(reverse("assemblies:results_json", args=[closed.pk])).content)
    by_title = {r["title"]: r for r in data["results"]}
    assert by_title["公園增設遮陽棚"]["passed"] is True and by_title["公園增設遮陽棚"]["state"] == "assembly_passed"
    assert by_title["巷弄夜間照明補強"]["passed"] is False
    assert data["assembly"]["present"] == 5 and data["assembly"]["majority_needed"] == 3


def test_results_hidden_before_closing(client, planned):
    assert client.get(reverse("assemblies:results", args=[planned.pk])).status_code == 404
    assert client.get(reverse("assemblies:results_json", args=[planned.pk])).status_code == 404


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_results_pdf_embeds_the_cjk_font(client, closed, tmp_path):
    resp = client.get(reverse("assemblies:results_pdf", args=[closed.pk]))
    assert resp["Content-Type"] == "application/pdf"
    path = tmp_path / "r.pdf"
    path.write_bytes(resp.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "公園增設遮陽棚" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "NotoSansCJKTC" in line.replace("-", "").replace(" ", "")]
    assert cjk and " yes " in cjk[0]  # embedded


def test_staff_pages_refuse_residents(client, planned, resident):
    client.force_login(resident)
    for name in ("manage", "desk", "count"):
        assert client.get(reverse(f"assemblies:{name}", args=[planned.pk])).status_code == 403
    assert client.get(reverse("assemblies:new")).status_code == 403


def test_staff_journey_pages(client, in_session, district_staff, recorder):
    a = in_session["assembly"]
    client.force_login(district_staff)
    for name in ("manage", "desk", "tables"):
        assert client.get(reverse(f"assemblies:{name}", args=[a.pk])).status_code == 200
    resp = client.post(reverse("assemblies:desk_sign_in", args=[a.pk]), {"code": "NOPE"}, HTTP_HX_REQUEST="true")
    assert "NOPE" in resp.content.decode()
    client.force_login(recorder)
    t = in_session["table"]
    resp = client.post(reverse("assemblies:table_record", args=[a.pk, t.pk]), {
        "title": "社區圖書角", "problem": "沒有閱讀空間", "solution": "設置圖書角", "category": "education",
        "proposers": [in_session["people"][0].pk]})
    assert resp.status_code == 302
    assert Proposal.objects.get(title="社區圖書角").state == "raised"


def test_hand_count_page_needs_two_staff(client, in_session, recorder, district_staff, second_staff):
    a = in_session["assembly"]
    services.assembly_update(assembly=a, actor=district_staff, vote_method="paper")
    x = record(in_session, recorder, "一")
    services.vote_open(assembly=a, actor=district_staff)
    url = reverse("assemblies:count", args=[a.pk])
    client.force_login(district_staff)
    assert client.get(url).status_code == 200
    client.post(url, {"item": x.pk, "action": "enter", "votes": 4})
    resp = client.post(url, {"item": x.pk, "action": "confirm", "votes": 4}, follow=True)
    assert "須由第二位工作人員確認票數" in resp.content.decode()
    client.force_login(second_staff)
    client.post(url, {"item": x.pk, "action": "confirm", "votes": 4})
    x.hand_count.refresh_from_db()
    assert x.hand_count.confirmed_by == second_staff
    client.post(reverse("assemblies:step", args=[a.pk]), {"step": "close"})
    x.proposal.refresh_from_db()
    assert x.proposal.state == "assembly_passed"
