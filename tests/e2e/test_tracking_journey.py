"""An agency updates a milestone with a photo; the proposer sees the progress and the quarterly report in
the inbox; the committee sees the overdue flag clear. axe-core on every tracking page, in both languages."""
import datetime
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tracking import reports
from tracking.models import Milestone
from tracking.tests.factories import TrackingCast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(district, other_district, cycle):
    cast = TrackingCast(district, other_district)
    project = cast.executing(cycle)
    m = cast.milestone(project, "lead", title="遮陽棚施工", percent=10, status="on_track")
    cast.milestone(project, "co_agency", title="里民說明會", percent=50, status="on_track")
    # Nobody has updated the works for months: overdue beyond the grace period (a red flag).
    Milestone.objects.filter(pk=m.pk).update(last_update_on=datetime.date.today() - datetime.timedelta(days=200))
    return cast, project, m


def _photo(tmp_path):
    path = tmp_path / "works.png"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def _axe_both(page, url, axe_check, use_language):
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hant")
        axe_check(page)


def test_milestone_update_progress_report_and_flag(page, live_server, login, use_language, axe_check, setting,
                                                  tmp_path):
    cast, project, m = setting
    base = live_server.url
    project_url = f"{base}/tracking/projects/{project.pk}/"

    # The committee sees the red flag on its dashboard.
    login(cast["committee"])
    _axe_both(page, f"{base}/tracking/dashboard/", axe_check, use_language)
    expect(page.locator(".flag-overdue").first).to_be_visible()

    # The lead agency updates its milestone with a photo of the works.
    login(cast["lead"])
    for path in (f"milestones/{m.pk}/", f"projects/{project.pk}/milestones/import/",
                 f"projects/{project.pk}/milestones/new/", f"projects/{project.pk}/complete/"):
        _axe_both(page, f"{base}/tracking/{path}", axe_check, use_language)
    _axe_both(page, project_url, axe_check, use_language)
    page.goto(project_url)
    page.get_by_role("link", name="更新「遮陽棚施工」").click()
    page.get_by_label("完成百分比").fill("60")
    page.get_by_label("公開說明").fill("基礎工程完成，開始架設棚架。")
    page.get_by_label("照片或文件（PDF、JPEG、PNG）").set_input_files(str(_photo(tmp_path)))
    page.get_by_label("照片說明").fill("公園內遮陽棚基礎施工完成的照片")
    page.get_by_label("變更原因").fill("現場查驗後更新進度")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator(".messages")).to_contain_text("里程碑已更新")
    expect(page.get_by_role("img", name="公園內遮陽棚基礎施工完成的照片")).to_be_visible()
    axe_check(page)

    # The quarter's reports are made (beat's job, here in-process).
    assert len(reports.quarter_run(quarter="2026Q4")) == 1

    # The proposer sees the new progress and the report in the inbox.
    login(cast.proposer)
    page.goto(project_url)
    weighted = (60 + 50) // 2
    expect(page.get_by_test_id("progress")).to_have_text(f"{weighted}%")
    expect(page.get_by_text("內部備註")).to_have_count(0)
    page.goto(f"{base}/inbox/")
    expect(page.get_by_text("2026Q4").first).to_be_visible()
    page.goto(project_url)
    expect(page.get_by_role("link", name="2026Q4 季報告（PDF）")).to_be_visible()

    # Public pages in both languages: all projects, the district, the councillor's view.
    for url in (f"{base}/tracking/", f"{base}/tracking/districts/{project.proposal.district.code}/", project_url):
        _axe_both(page, url, axe_check, use_language)
    login(cast["councillor"])
    _axe_both(page, f"{base}/proposals/oversight/{project.proposal.district.code}/", axe_check, use_language)

    # The committee sees the flag cleared.
    login(cast["committee"])
    use_language("zh-hant")
    page.goto(f"{base}/tracking/dashboard/")
    expect(page.locator(".flag-overdue")).to_have_count(0)
    expect(page.get_by_role("heading", name="0 個專案有紅燈警示")).to_be_visible()
