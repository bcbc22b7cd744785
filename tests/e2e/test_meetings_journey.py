"""The committee opens a PB group meeting, decides a disputed item from its agenda, records attendance and
minutes; the public minutes show the decision. A district office plans and records a hearing; local opposition
goes through coordination. axe-core on every accountability page, in both languages."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accountability import services
from accountability.models import Decision, Hearing
from accountability.tests.conftest import FAKE, FakeSource
from pbcity import agenda
from tracking.tests.factories import TrackingCast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(district, other_district, cycle):
    cast = TrackingCast(district, other_district)
    project = cast.executing(cycle)
    # A disputed milestone change waiting for the committee, as tracking's source will offer it.
    src = FakeSource()
    src.project = project
    src.waiting_refs = ["41"]
    agenda.register(FAKE, label="有爭議的變更", waiting=src.waiting,
                    decisions=(("approve", "同意變更"), ("return", "退回機關")), decide=src.decide)
    yield cast, project, src
    agenda._registry.pop(FAKE, None)


def _axe_both(page, url, axe_check, use_language):
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hant")
        axe_check(page)


def test_the_committee_decides_a_disputed_item_and_the_public_minutes_show_it(page, live_server, login,
                                                                            use_language, axe_check, setting):
    cast, project, src = setting
    base = live_server.url

    # The committee plans the meeting from the menu's page and opens it.
    login(cast["committee"])
    _axe_both(page, f"{base}/accountability/", axe_check, use_language)
    page.get_by_role("link", name="參與預算組會議管理").click()
    axe_check(page)
    page.get_by_label("標題").fill("2026年第5次參與預算組會議")
    page.get_by_label("日期").fill(timezone.localdate().isoformat())
    page.get_by_label("地點").fill("市政大樓N206")
    page.get_by_role("button", name="規劃會議").click()
    expect(page.locator(".messages")).to_contain_text("會議已規劃")
    meeting_url = page.url
    _axe_both(page, meeting_url, axe_check, use_language)

    # The disputed change is on the agenda; the committee returns it to the agency.
    item = page.locator("li.card", has_text="日期變更爭議 41")
    expect(item).to_contain_text("有爭議的變更")
    item.get_by_label("決定", exact=True).select_option(label="退回機關")
    item.get_by_label("理由").fill("請主辦機關與提案人重新協調完工日期")
    item.get_by_role("button", name="記錄決定").click()
    expect(page.locator(".messages")).to_contain_text("已記錄決定")
    assert src.calls and src.calls[0]["decision"] == "return"
    axe_check(page)

    page.get_by_label("出席身分").select_option(label="機關代表")
    page.get_by_label("姓名").fill("公園處 林科長")
    page.get_by_label("機關（機關代表填寫）").select_option(value=str(project.lead_agency_id))
    page.get_by_role("button", name="登錄", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登錄出席")
    page.get_by_role("textbox", name="會議紀錄").fill("一、機關報告。二、討論事項如決議。")
    page.get_by_role("button", name="登錄並結束").click()
    expect(page.locator(".messages")).to_contain_text("會議紀錄已登錄")

    # Anyone reads the minutes and the decision; the project page shows it too.
    page.context.clear_cookies()
    minutes_url = page.url
    _axe_both(page, minutes_url, axe_check, use_language)
    expect(page.locator("main")).to_contain_text("請主辦機關與提案人重新協調完工日期")
    expect(page.locator("main")).to_contain_text("退回機關")
    expect(page.locator("main")).to_contain_text("公園處 林科長")
    page.goto(f"{base}/tracking/projects/{project.pk}/")
    expect(page.locator(".accountability-panel")).to_contain_text("退回機關")
    assert Decision.objects.get().item.meeting.get_public_url() in minutes_url


def test_hearing_and_opposition_pages(page, live_server, login, use_language, axe_check, setting):
    cast, project, _src = setting
    base = live_server.url
    login(cast["district"])
    _axe_both(page, f"{base}/accountability/proposals/{project.proposal_id}/hearings/new/", axe_check, use_language)
    page.get_by_label("類型").select_option(value=Hearing.Kind.EXPLANATORY)
    page.get_by_label("標題").fill("遮陽棚施工說明會")
    page.get_by_label("開始時間").fill((timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("地點").fill("大安區民活動中心")
    page.get_by_role("button", name="規劃並公告").click()
    expect(page.locator(".messages")).to_contain_text("說明會已規劃")
    hearing_url = page.url
    _axe_both(page, hearing_url, axe_check, use_language)
    page.get_by_label("出席人數").fill("28")
    page.get_by_role("textbox", name="會議紀錄").fill("機關說明施工期程。")
    page.get_by_label("反對意見摘要").fill("住戶反對移除樹木")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("住戶反對移除樹木")

    login(cast["lead"])
    _axe_both(page, f"{base}/accountability/projects/{project.pk}/oppositions/new/", axe_check, use_language)
    o = services.opposition_record(project=project, actor=cast["lead"], summary="鄰里反對移除樹木", details="連署")
    services.opposition_step_record(opposition=o, actor=cast["lead"], kind="meeting", text="協調會",
                                    held_on=timezone.localdate())
    services.opposition_step_record(opposition=o, actor=cast["lead"], kind="outcome", outcome="close_early",
                                    text="擬提早結案")
    _axe_both(page, f"{base}/accountability/oppositions/{o.pk}/", axe_check, use_language)
    expect(page.get_by_role("link", name="變更申請")).to_be_visible()
    _axe_both(page, f"{base}/accountability/hearings/", axe_check, use_language)
    meeting = services.meeting_plan(actor=cast["committee"], cycle=project.proposal.cycle, title="會議",
                                    held_on=timezone.localdate(), place="市府")
    item = services.meeting_item_add(meeting=meeting, actor=cast["committee"], title="協調", project=project)
    d = services.item_decide(item=item, actor=cast["committee"], code="coordinate", reason="協調",
                             due=timezone.localdate() + datetime.timedelta(days=9))
    _axe_both(page, f"{base}/accountability/decisions/{d.pk}/", axe_check, use_language)
    expect(page.get_by_role("button", name="回報")).to_be_visible()
