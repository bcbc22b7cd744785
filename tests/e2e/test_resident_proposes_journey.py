"""A resident writes a proposal online and picks its village and point: with the keyboard only (the grid of
squares), then with the mouse on the map; the draft waits on "my proposals" (also on a phone) until the district
office raises it, and then anyone sees it. axe-core on every page; the CSP is on (tests/e2e/conftest.py)."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from places.models import Village
from places.tests.helpers import load_taipei
from proposals.models import Proposal
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

from .conftest import PHONE_VIEWPORT, set_browser_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from pbcity.tests.factories import CycleFactory

    districts = load_taipei()
    cycle = CycleFactory(year=2026)
    return Cast(districts["daan"], districts["beitou"]), cycle


def _type(page, name, text):
    page.locator(f"[name={name}]").focus()
    page.keyboard.type(text)


def _write(page, cast, village, title):
    page.locator("[name=district]").select_option(str(cast.district.pk))
    page.locator("[name=village]").select_option(str(village.pk))
    page.locator("[name=category]").select_option("traffic")
    _type(page, "title", title)
    _type(page, "problem", "巷口轉角看不到來車。")
    _type(page, "solution", "加裝道路反射鏡。")
    _type(page, "location", "羅斯福路三段 269 巷口")
    _type(page, "estimated_cost", "60000")


def test_a_resident_proposes_with_the_keyboard_only_and_the_office_raises_it(page, live_server, login, axe_check,
                                                                             no_overflow, use_language, world):
    cast, cycle = world
    longpo = Village.objects.get(name="龍坡里")
    login(cast.proposer)
    page.goto(f"{live_server.url}/proposals/mine/")
    axe_check(page)
    page.get_by_role("link", name="撰寫提案").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/proposals/write/")
    expect(page.get_by_role("heading", name="撰寫提案")).to_be_visible()
    axe_check(page)
    _write(page, cast, longpo, "龍坡里巷口反射鏡")
    # Keyboard only: Tab from the last field to "show the village's map", Enter; then the squares.
    page.locator("[name=point_lat]").focus()
    page.keyboard.press("Tab")
    show = page.get_by_role("button", name="顯示該里地圖")
    expect(show).to_be_focused()
    page.keyboard.press("Enter")
    image = page.get_by_role("button", name="龍坡里地圖：點選即在該處標示地點")
    expect(image).to_be_visible()
    expect(page.locator("[name=title]")).to_have_value("龍坡里巷口反射鏡")  # nothing typed is lost
    axe_check(page)
    image.focus()
    page.keyboard.press("Enter")  # the image from the keyboard points nowhere: focus moves to the squares
    expect(page.locator(".place-picker-cells button:focus")).to_have_count(1)
    page.keyboard.press("Tab")  # the next square
    focused = page.locator(".place-picker-cells button:focus")
    chosen = focused.get_attribute("value")
    page.keyboard.press("Space")
    lon, lat = chosen.split(",")
    expect(page.locator("[name=point_lon]")).to_have_value(lon)
    expect(page.locator("[name=point_lat]")).to_have_value(lat)
    expect(page.locator("[name=problem]")).to_have_value("巷口轉角看不到來車。")
    save = page.get_by_role("button", name="儲存草案")
    save.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("草案已儲存")
    p = Proposal.objects.get(title="龍坡里巷口反射鏡")
    assert (p.state, p.village, p.point_lon, p.point_lat) == (State.DRAFT, longpo, Decimal(lon), Decimal(lat))
    expect(page.get_by_text("這份草案尚未公開")).to_be_visible()
    axe_check(page)
    # "My proposals" says what happens next, on a phone too
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/proposals/mine/")
    expect(page.get_by_text("大安區公所會在本區下一場住民大會提出")).to_be_visible()
    expect(page.get_by_role("link", name="修改草案")).to_be_visible()
    axe_check(page)
    no_overflow(page)
    page.goto(f"{live_server.url}/proposals/{p.pk}/edit/")
    expect(page.locator("input.place-picker-image")).to_be_visible()
    axe_check(page)
    no_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    # Anyone else: not in the list, not at its address
    anon = page.context.browser.new_context()
    other = anon.new_page()
    assert other.goto(f"{live_server.url}/proposals/{p.pk}/").status == 404
    # The district office finds it in its queue and raises it at the assembly
    login(cast["district"])
    page.goto(f"{live_server.url}/proposals/queue/")
    axe_check(page)
    page.get_by_role("link", name="龍坡里巷口反射鏡").click()
    page.locator("#reason-raise_proposal").fill("於大安區住民大會提出")
    page.get_by_role("button", name="提出提案").click()
    expect(page.locator(".messages")).to_be_visible()
    axe_check(page)
    assert Proposal.objects.get(pk=p.pk).state == State.RAISED
    for lang in ("en", "zh-hant"):
        set_browser_language(anon, live_server, lang)
        assert other.goto(f"{live_server.url}/proposals/{p.pk}/").status == 200
        axe_check(other)
    other.goto(f"{live_server.url}/proposals/?district={cast.district.pk}")
    expect(other.locator(".proposal-list").get_by_role("link", name="龍坡里巷口反射鏡")).to_be_visible()
    anon.close()


def test_a_resident_places_the_point_with_the_mouse(page, live_server, login, axe_check, world):
    cast, cycle = world
    longpo = Village.objects.get(name="龍坡里")
    login(cast["resident"])
    page.goto(f"{live_server.url}/proposals/")
    page.get_by_role("link", name="撰寫提案").click()
    _write(page, cast, longpo, "龍坡里人行道")
    page.get_by_role("button", name="顯示該里地圖").click()
    image = page.locator("input.place-picker-image")
    expect(image).to_be_visible()
    # A click on the map fills the fields in place (static/places/picker.js): no reload, nothing sent
    page.evaluate("window.placesNoReload = 1")
    box = image.bounding_box()
    image.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.locator("[name=point_lon]")).not_to_have_value("")
    assert page.evaluate("window.placesNoReload") == 1
    lon = page.locator("[name=point_lon]").input_value()
    axe_check(page)
    page.get_by_role("button", name="儲存草案").click()
    expect(page.locator(".messages")).to_contain_text("草案已儲存")
    p = Proposal.objects.get(title="龍坡里人行道")
    assert (p.state, p.village, p.point_lon) == (State.DRAFT, longpo, Decimal(lon))
    assert [pp.user for pp in p.proposers.all()] == [cast["resident"]]
