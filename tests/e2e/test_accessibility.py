"""axe-core finds no WCAG 2.1 A/AA violation on the public pages, in both languages, and the pages
reflow on a phone (no horizontal scrolling at 390×844)."""
import pytest
from playwright.sync_api import expect

from pbcity.roles import Role
from pbcity.tests.factories import AgencyFactory, CycleFactory, DistrictFactory, staff
from proposals import services

from .conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["zh-hant", "en"]


@pytest.fixture
def city():
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    beitou = DistrictFactory(code="beitou", name="北投區", name_en="Beitou")
    cycle = CycleFactory(year=2026)
    AgencyFactory(code="parks", name="公園路燈工程管理處", name_en="Parks and Street Lights Office")
    AgencyFactory(code="transport", name="交通局", name_en="Department of Transportation")
    office = staff(Role.DISTRICT_OFFICE, district=daan)
    beitou_office = staff(Role.DISTRICT_OFFICE, district=beitou)
    proposers = [("陳阿姨", "0912-345-678")]
    common = {"cycle": cycle, "solution": "請市府評估並施作。", "proposers": proposers}
    shade = services.proposal_create(
        actor=office, district=daan, title="大安森林公園兒童遊戲場增設遮陽棚", category="parks",
        problem="夏天遊戲場太熱，孩子無法使用。\n家長希望增設遮陽設施。", location="大安森林公園",
        estimated_cost=1_200_000, **common,
    )
    services.proposal_transition(proposal=shade, actor=office, transition_name="pass_assembly",
                                 reason="住民大會表決通過（贊成 42 票）")
    services.proposal_create(actor=office, district=daan, title="信義路三段人行道拓寬", category="walking",
                             problem="人行道太窄，輪椅無法通過。", **common)
    services.proposal_create(actor=beitou_office, district=beitou, title="北投公園增設遮陽棚", category="parks",
                             problem="公園沒有遮蔭。", **common)
    return {"daan": daan, "shade": shade, "office": office}


def _check(page, axe_check, no_overflow, path, live_server, expect_text=None):
    page.goto(live_server.url + path)
    if expect_text:
        expect(page.locator("main")).to_contain_text(expect_text)
    axe_check(page)
    page.set_viewport_size(PHONE_VIEWPORT)
    no_overflow(page)
    axe_check(page)


PUBLIC_PAGES = {
    "home": lambda c: "/",
    "proposal_list": lambda c: "/proposals/",
    "proposal_list_filtered": lambda c: f"/proposals/?district={c['daan'].pk}&q=遮陽",
    "proposal_detail": lambda c: f"/proposals/{c['shade'].pk}/",
    "login": lambda c: "/accounts/login/",
    "signup": lambda c: "/accounts/signup/",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page(name, lang, page, live_server, city, axe_check, no_overflow, use_language):
    use_language(lang)
    expected = "大安森林公園兒童遊戲場增設遮陽棚" if name.startswith(("proposal", "home")) else None
    _check(page, axe_check, no_overflow, PUBLIC_PAGES[name](city), live_server, expected)
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hant")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_proposal_detail_as_district_office(lang, page, live_server, city, axe_check, no_overflow, login,
                                            use_language):
    use_language(lang)
    login(city["office"])
    _check(page, axe_check, no_overflow, f"/proposals/{city['shade'].pk}/", live_server)
    # The staff member sees the action forms (designate, merge, exclude ...).
    expect(page.locator("section[aria-labelledby=actions-h] form").first).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filtered_list_after_htmx_swap(lang, page, live_server, city, axe_check, use_language):
    """The results htmx swaps in are as accessible as a full page."""
    use_language(lang)
    page.goto(f"{live_server.url}/proposals/")
    page.locator("#id_district").select_option(str(city["daan"].pk))
    expect(page.locator("#results .proposal-list > li")).to_have_count(2)
    # The count sits in a status region outside #results; htmx updates it out of band.
    expect(page.locator("#results-count")).to_contain_text("2")
    expect(page.locator("#results-count")).to_have_attribute("role", "status")
    axe_check(page)


def test_language_switch_changes_the_interface(page, live_server, city):
    page.goto(f"{live_server.url}/proposals/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    page.locator("#lang-select").select_option("en")
    page.locator("form.lang-switch [type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/proposals/")
    expect(page.locator("main")).to_contain_text("Da'an")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_pages(lang, page, live_server, city, axe_check, no_overflow, login, use_language):
    """The work queue, the audit trail and the new-proposal form are staff pages used in the browser."""
    use_language(lang)
    login(city["office"])
    _check(page, axe_check, no_overflow, "/proposals/queue/", live_server, "信義路三段人行道拓寬")
    page.set_viewport_size({"width": 1280, "height": 900})
    _check(page, axe_check, no_overflow, "/proposals/new/", live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(staff(Role.COMMITTEE))
    _check(page, axe_check, no_overflow, f"/proposals/{city['shade'].pk}/audit/", live_server, "住民大會表決通過")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_resident_pages(lang, page, live_server, city, axe_check, no_overflow, login, use_language):
    """A proposer's inbox (with unread messages and pages) and their proposals."""
    from pbcity.models import Notification
    from pbcity.tests.factories import UserFactory
    from proposals.models import ProposalProposer

    use_language(lang)
    resident = UserFactory(name="陳阿姨")
    ProposalProposer.objects.create(proposal=city["shade"], user=resident, name="陳阿姨")
    for i in range(22):
        Notification.objects.create(recipient=resident, key=f"k{i}", subject=f"提案狀態更新 {i}", body="內容",
                                    url=city["shade"].get_absolute_url())
    login(resident)
    _check(page, axe_check, no_overflow, "/inbox/", live_server, "提案狀態更新 21")
    page.set_viewport_size({"width": 1280, "height": 900})
    _check(page, axe_check, no_overflow, "/proposals/mine/", live_server, "大安森林公園兒童遊戲場增設遮陽棚")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_councillor_oversight_page(lang, page, live_server, city, axe_check, no_overflow, login, use_language):
    use_language(lang)
    login(staff(Role.COUNCILLOR, district=city["daan"]))
    page.goto(live_server.url + "/")
    page.locator("nav.main-nav a[href='/proposals/oversight/']").click()
    expect(page.locator("h1")).to_contain_text("大安區" if lang == "zh-hant" else "Da'an")
    _check(page, axe_check, no_overflow, page.url.replace(live_server.url, ""), live_server)
