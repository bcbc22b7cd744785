"""The demo's 2026 evaluation report: a visitor follows the home page's link to the report, reads its
charts and tables in both languages, downloads both PDFs and the open data; the fairness figures in the
open data equal pabutools on the demo's counted rounds; civil affairs imports a population file and
sees a clear error for a bad one. axe-core on every page, in both languages."""
import json

import pytest
from playwright.sync_api import expect

from pbcity.models import User
from voting.models import Round

from .conftest import PHONE_VIEWPORT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _axe_both(page, url, axe_check, use_language):
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hant")
        axe_check(page)


def _pabutools_figures(round_):
    from pabutools.analysis import avg_satisfaction, gini_coefficient_of_satisfaction, percent_non_empty_handed
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project

    from evaluation.selectors import round_election

    e = round_election(round_)
    instance = Instance([Project(pid, cost) for pid, cost in e["costs"].items()], budget_limit=round_.budget or 1)
    by_name = {p.name: p for p in instance}
    profile = ApprovalProfile([ApprovalBallot([by_name[p] for p in b]) for b in e["ballots"]], instance=instance)
    funded = [by_name[p] for p in e["funded"]]
    return (float(percent_non_empty_handed(instance, profile, funded)),
            float(avg_satisfaction(instance, profile, funded, Cost_Sat)),
            float(gini_coefficient_of_satisfaction(instance, profile, funded, Cost_Sat)))


def test_demo_evaluation_report_page_pdfs_open_data_and_population_import(
        page, live_server, login, use_language, axe_check, no_overflow, demo_city, tmp_path):
    base = live_server.url

    # A visitor follows the home page's link to the reports, then to the 2026 report.
    use_language("zh-hant")
    page.goto(f"{base}/")
    page.get_by_role("link", name="評估報告：這一屆公平嗎？誰參與了？").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("評估報告")
    axe_check(page)
    page.get_by_role("link", name="2026 年度評估報告 · 投票後").click()
    expect(page).to_have_url(f"{base}/evaluation/2026/vote/")
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 年度評估報告")
    for heading in ("參與", "代表性", "培力成效", "審議", "結果公平性", "執行", "地點", "動員警示及其決定",
                    "停止參與的提案人", "附錄：每個數字的計算方式"):
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    # The demo's proposals sit in villages: the places section lists them and every village's distance.
    expect(page.locator("#places")).to_contain_text("大安區")
    expect(page.locator("#places")).to_contain_text("全市各里")
    expect(page.get_by_role("img", name="各投票場次的公平性")).to_be_visible()
    expect(page.get_by_role("heading", name="年齡組與人口比較")).to_be_visible()
    expect(page.locator("#appendix")).to_contain_text("pabutools")
    axe_check(page)
    report_url = page.url
    _axe_both(page, report_url, axe_check, use_language)
    use_language("en")
    page.goto(report_url)
    expect(page.get_by_role("heading", level=2, name="Outcome fairness")).to_be_visible()
    expect(page.locator("#places")).to_contain_text("Every village of the city")
    expect(page.locator("#flags")).to_contain_text("Network")
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{base}/evaluation/2026/")   # the cycle's latest report
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 evaluation report")
    no_overflow(page)
    axe_check(page)

    # Both PDFs and the open data, from the page's own links.
    sizes = {}
    for name in ("PDF (Traditional Chinese)", "PDF (English)"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        resp = page.request.get(f"{base}{href}")
        assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
        body = resp.body()
        assert body.startswith(b"%PDF-") and len(body) > 5000
        sizes[name] = len(body)
    assert sizes["PDF (Traditional Chinese)"] != sizes["PDF (English)"]
    csv_resp = page.request.get(f"{base}{page.get_by_role('link', name='Open data (CSV)').get_attribute('href')}")
    assert csv_resp.status == 200 and "section,table,row_zh,row_en,column" in csv_resp.text()
    data = json.loads(page.request.get(
        f"{base}{page.get_by_role('link', name='Open data (JSON)').get_attribute('href')}").text())
    fairness = next(s for s in data["sections"] if s["key"] == "fairness")["tables"][0]
    rounds = {row[0]["en"]: row for row in fairness["rows"]}
    counted = list(Round.objects.filter(cycle__year=2026, status="tallied").select_related("district"))
    assert len(counted) == 2 and set(rounds) == {r.district.name_en for r in counted}
    for r in counted:
        non_empty, avg, gini = _pabutools_figures(r)
        row = rounds[r.district.name_en]
        assert row[1] == r.board_size
        assert row[3] == pytest.approx(non_empty, abs=1e-4)
        assert row[4] == pytest.approx(avg, abs=0.01)
        assert row[5] == pytest.approx(gini, abs=1e-4)
    representativeness = next(s for s in data["sections"] if s["key"] == "representativeness")["tables"]
    assert representativeness and representativeness[0]["population_year"] == 2026
    assert set(data["appendix"]["gini"]) == {"zh-hant", "en"}

    # Civil affairs imports a population file: a bad one is refused with the line and the reason.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(User.objects.get(email="civil@demo.pbcity.tw"))
    _axe_both(page, f"{base}/evaluation/", axe_check, use_language)
    page.get_by_role("link", name="人口表").click()
    axe_check(page)
    bad = tmp_path / "population.csv"
    bad.write_text("district,age_band,people\n大安區,12-15,100\n", encoding="utf-8")
    page.get_by_label("年度").fill("2025")
    page.get_by_label("人口檔（CSV，UTF-8）").set_input_files(str(bad))
    page.get_by_role("button", name="匯入").click()
    expect(page.locator("form[enctype]")).to_contain_text("第 2 行：年齡組「12-15」不在")
    axe_check(page)
    good = tmp_path / "population-ok.csv"
    good.write_text("district,age_band,people\n大安區,16-24,100\ndaan,65+,300\n", encoding="utf-8")
    page.get_by_label("年度").fill("2025")
    page.get_by_label("人口檔（CSV，UTF-8）").set_input_files(str(good))
    page.get_by_role("button", name="匯入").click()
    expect(page.locator(".messages")).to_contain_text("已匯入 2025 年 2 列")
    expect(page.get_by_role("listitem").filter(has_text="2025")).to_contain_text("2 列")
    _axe_both(page, f"{base}/evaluation/population/", axe_check, use_language)
