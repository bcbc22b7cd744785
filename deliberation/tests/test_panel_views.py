"""The review-panel pages end to end over HTTP: plan, appoint, commit, draw, verify, score, close, outputs."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from deliberation.models import PanelSeat, ReviewPanel, Score
from proposals.states import State

from .panel_fixtures import *  # noqa: F401,F403
from .panel_fixtures import LOTTERY, score_all

pytestmark = pytest.mark.django_db
VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_panel_draw.py"


def url(name, *args):
    return reverse(f"deliberation:{name}", args=args)


def test_office_plans_civil_appoints_office_commits_and_draws_and_the_verifier_agrees(client, world, tmp_path):
    client.force_login(world.office)
    r = client.post(url("panel_new") + f"?cycle={world.cycle.year}",
                    {"starts_at": "2026-06-13T09:00", "venue": "", "online_url": "https://meet.example.tw/daan"})
    assert r.status_code == 302
    panel = ReviewPanel.objects.get(district=world.district)
    assert client.get(url("panel_detail", panel.pk)).status_code == 200
    client.force_login(world.civil)
    r = client.post(url("panel_appoint", panel.pk), {"host": world.host.pk, "co_host": world.co_host.pk,
                                                     "deliberator": world.deliberator.pk, "reason": "推派"})
    assert r.status_code == 302
    client.force_login(world.office)
    r = client.post(url("panel_commit", panel.pk), {"randomness_source": LOTTERY, "randomness_date": "2026-06-12"})
    assert r.status_code == 302
    page = client.get(url("panel_detail", panel.pk)).content.decode()
    panel.refresh_from_db()
    assert panel.commitment.sha256 in page and "5/8" in page and "1/2" in page  # 5 of 8 basic; 2 of 4 advanced
    r = client.post(url("panel_draw", panel.pk), {"random_value": "03,11,19,27,38,42"})
    assert r.status_code == 302
    assert PanelSeat.objects.filter(panel=panel).count() == 12
    # A second value is refused and nothing changes.
    r = client.post(url("panel_draw", panel.pk), {"random_value": "01,02,03,04,05,06"})
    assert r.status_code == 400 and PanelSeat.objects.filter(panel=panel).count() == 12
    # Anyone downloads the files and recomputes the panel with the standalone verifier.
    client.logout()
    for name, fname in (("panel_draw_input", "in.json"), ("panel_draw_result", "out.json")):
        resp = client.get(url(name, panel.pk))
        assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
        (tmp_path / fname).write_bytes(resp.content)
    script = client.get(url("panel_verifier"))
    (tmp_path / "verify.py").write_bytes(b"".join(script.streaming_content))
    out = subprocess.run([sys.executable, "-I", str(tmp_path / "verify.py"), str(tmp_path / "in.json"),
                          str(tmp_path / "out.json"), "--random-value", "03,11,19,27,38,42"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.startswith("match"), out.stdout + out.stderr
    drawn = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    seated = set(PanelSeat.objects.filter(panel=panel, source="drawn").values_list("pseudonym", flat=True))
    assert seated == {pid for ids in drawn["selected"].values() for pid in ids}


def test_bad_input_keeps_what_was_typed(client, world, planned):
    client.force_login(world.office)
    r = client.post(url("panel_commit", planned.pk),
                    {"randomness_source": "大樂透開獎號碼", "randomness_date": "not-a-date"})
    assert r.status_code == 400 and "大樂透開獎號碼" in r.content.decode()
    r = client.post(url("panel_new"), {"starts_at": "2026-06-13T09:00", "venue": "", "online_url": ""})
    assert r.status_code == 400


def test_members_score_on_their_page_hidden_from_others(client, world, scoring):
    member = PanelSeat.objects.filter(panel=scoring, seat_type="basic").first().user
    other = PanelSeat.objects.filter(panel=scoring, seat_type="advanced").first().user
    p = scoring.agenda.order_by("id").first()
    client.force_login(member)
    page = client.get(url("panel_score", scoring.pk))
    assert page.status_code == 200 and p.title in page.content.decode()
    r = client.post(url("score_submit", scoring.pk, p.pk), {
        f"p{p.pk}-publicness": "green", f"p{p.pk}-legality": "red", f"p{p.pk}-budget": "yellow",
        f"p{p.pk}-note": "需再確認用地"})
    assert r.status_code == 302 and Score.objects.filter(member=member).count() == 1
    r = client.post(url("score_submit", scoring.pk, p.pk), {f"p{p.pk}-publicness": "green"})
    assert r.status_code == 400
    client.force_login(other)
    html = client.get(url("panel_score", scoring.pk)).content.decode()
    assert "需再確認用地" not in html
    assert "需再確認用地" not in client.get(url("panel_detail", scoring.pk)).content.decode()
    for user in (world.host, world.deliberator, world.cast["resident"]):
        client.force_login(user)
        assert client.get(url("panel_score", scoring.pk)).status_code == 403
        assert client.post(url("score_submit", scoring.pk, p.pk), {}).status_code == 403
    client.logout()
    assert client.get(url("panel_score", scoring.pk)).status_code == 302
    assert client.get(url("panel_scores_csv", scoring.pk)).status_code == 404  # nothing before closing


def test_close_then_outcome_on_proposal_page_and_open_data_and_pdf(client, world, scoring, tmp_path):
    first = scoring.agenda.order_by("id").first()
    score_all(scoring, lambda s, p: ("green", "red", "green") if p.pk == first.pk else ("green", "yellow", "green"))
    client.force_login(world.host)
    assert client.post(url("panel_close", scoring.pk)).status_code == 302
    first.refresh_from_db()
    assert first.state == State.REVIEW_FAILED
    client.logout()
    with translation.override("zh-hant"):
        html = client.get(first.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "light-red" in html and url("panel_detail", scoring.pk) in html
    detail = client.get(url("panel_detail", scoring.pk)).content.decode()
    assert "light-red" in detail and "light-yellow" in detail
    text = client.get(url("panel_scores_csv", scoring.pk)).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 * 9 + 3 and {r["kind"] for r in rows} == {"member", "panel"}
    panel_rows = [r for r in rows if r["kind"] == "panel"]
    assert sorted(r["passed"] for r in panel_rows) == ["no", "yes", "yes"]
    assert all(r["member"].startswith("P-") for r in rows if r["kind"] == "member")
    body = json.loads(client.get(url("panel_scores_json", scoring.pk)).content)
    assert len(body["scores"]) == 30 and "lower median" in body["panel"]["rule"]
    # allowances: the office and civil affairs only
    assert client.get(url("panel_allowances_csv", scoring.pk)).status_code == 403  # anonymous
    client.force_login(world.cast["resident"])
    assert client.get(url("panel_allowances_csv", scoring.pk)).status_code == 403
    client.force_login(world.office)
    allowance_rows = list(csv.DictReader(io.StringIO(
        client.get(url("panel_allowances_csv", scoring.pk)).content.decode("utf-8-sig"))))
    assert len(allowance_rows) == 12 and {r["amount_ntd"] for r in allowance_rows} == {"120"}


@pytest.mark.skipif(not __import__("shutil").which("pdffonts"), reason="poppler-utils not installed")
def test_report_pdf_lists_panel_scores_and_outcome_in_an_embedded_cjk_font(client, world, scoring, tmp_path):
    score_all(scoring, lambda s, p: ("green", "yellow", "green"))
    from deliberation import services

    services.panel_close(panel=scoring, actor=world.office)
    with translation.override("zh-hant"):
        resp = client.get(url("panel_report_pdf", scoring.pk), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(resp.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "公共性" in text and "預算可行性" in text and "審議員" in text
    for seat in PanelSeat.objects.filter(panel=scoring):
        assert (seat.user.name or str(seat.user)) in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK-TC" in line or "NotoSansCJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded


def test_absence_through_the_page_brings_the_alternate(client, world, drawn):
    seat = PanelSeat.objects.filter(panel=drawn, seat_type="proposer").first()
    client.force_login(world.host)
    r = client.post(url("panel_absent", drawn.pk, seat.pk), {f"s{seat.pk}-reason": "臨時有事"})
    assert r.status_code == 302
    assert PanelSeat.objects.get(replaces=seat).seat_type == "proposer"
    r = client.post(url("panel_absent", drawn.pk, seat.pk), {f"s{seat.pk}-reason": "again"})
    assert r.status_code == 400  # already absent; the message is on the page
