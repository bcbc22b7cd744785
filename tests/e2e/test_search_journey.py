"""Searching the exhibition in Chinese on a phone: the proposal is found by a two-character word, the
query stays in the box, a word nowhere says so, and axe finds nothing (CSP on, no inline script)."""
import pytest
from playwright.sync_api import expect

from pbcity.tests.factories import CycleFactory, DistrictFactory
from proposals.models import Proposal
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

from .conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_searches_the_exhibition_in_chinese(page, live_server, axe_check, no_overflow, use_language):
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    cycle = CycleFactory(year=2026)
    cast = Cast(daan, DistrictFactory(code="beitou", name="北投區", name_en="Beitou"))
    shade = cast.walk(cycle, State.ON_EXHIBITION)  # 公園增設遮陽棚
    lights = cast.walk(cycle, State.ON_EXHIBITION)
    Proposal.objects.filter(pk=lights.pk).update(title="河濱自行車道照明", problem="晚上太暗", solution="加裝路燈")

    use_language("zh-hant")
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(live_server.url + "/voting/exhibition/")
    box = page.get_by_role("searchbox", name="搜尋")
    box.fill("遮陽")
    box.press("Enter")
    results = page.locator("ul.proposal-list")
    expect(results.get_by_role("link", name="公園增設遮陽棚")).to_be_visible()
    expect(results.get_by_role("link", name="河濱自行車道照明")).to_have_count(0)
    expect(page.locator(".result-count")).to_contain_text("1 件展覽提案符合「遮陽」")
    expect(page.get_by_role("searchbox", name="搜尋")).to_have_value("遮陽")
    axe_check(page)
    no_overflow(page)

    # The district filter and the query together; then a word that is nowhere.
    page.get_by_label("行政區").select_option("daan")
    page.get_by_role("button", name="顯示").click()
    expect(results.get_by_role("link", name="公園增設遮陽棚")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/voting/exhibition/?q=%E9%81%AE%E9%99%BD&district=daan")
    box = page.get_by_role("searchbox", name="搜尋")
    box.fill("游泳池")
    box.press("Enter")
    expect(results).to_contain_text("沒有符合「游泳池」的展覽提案")
    axe_check(page)

    results_link = f"/voting/exhibition/{shade.pk}/"
    box = page.get_by_role("searchbox", name="搜尋")
    box.fill("公園")
    box.press("Enter")
    page.locator(f"a[href='{results_link}']").click()
    expect(page).to_have_url(live_server.url + results_link)
