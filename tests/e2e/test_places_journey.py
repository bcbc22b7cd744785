"""Places: a proposal is placed in its village, by mouse (JavaScript) and keyboard only (no JavaScript needed);
the proposal list's map on a phone; a round's results map. axe-core and the CSP on every page."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pbcity.models import DistrictQuota
from places.models import Village
from places.tests.helpers import load_taipei
from proposals import services
from proposals.models import Proposal
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

from .conftest import PHONE_VIEWPORT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from pbcity.tests.factories import CycleFactory

    districts = load_taipei()
    cycle = CycleFactory(year=2026)
    return Cast(districts["daan"], districts["beitou"]), cycle


def _fill_proposal(page, cycle, cast, village):
    page.locator("[name=cycle]").select_option(str(cycle.pk))
    page.locator("[name=district]").select_option(str(cast.district.pk))
    page.locator("[name=village]").select_option(str(village.pk))
    page.locator("[name=title]").fill("龍坡里兒童遊戲場遮陽")
    page.locator("[name=problem]").fill("夏天遊戲場太熱。")
    page.locator("[name=solution]").fill("增設遮陽棚。")
    page.locator("[name=proposer_emails]").fill(cast.proposer.email)


def test_a_proposal_is_placed_with_the_mouse_and_with_the_keyboard_only(page, live_server, login, axe_check,
                                                                         use_language, world):
    cast, cycle = world
    longpo = Village.objects.get(name="龍坡里")
    login(cast["district"])
    page.goto(f"{live_server.url}/proposals/new/")
    _fill_proposal(page, cycle, cast, longpo)
    # Keyboard only: the button shows the village's map, a square is chosen with Enter.
    page.get_by_role("button", name="顯示該里地圖").focus()
    page.keyboard.press("Enter")
    image = page.get_by_role("button", name="龍坡里地圖：點選即在該處標示地點")
    expect(image).to_be_visible()
    axe_check(page)
    image.focus()
    page.keyboard.press("Enter")  # the image from the keyboard points nowhere: focus moves to the squares
    focused = page.locator(".place-picker-cells button:focus")
    expect(focused).to_have_count(1)
    chosen = focused.get_attribute("value")
    page.keyboard.press("Enter")
    expect(page.locator("[name=point_lon]")).to_have_value(chosen.split(",")[0])
    expect(page.locator("[name=title]")).to_have_value("龍坡里兒童遊戲場遮陽")  # nothing typed is lost
    # With the mouse: a click on the map fills the fields in place (static/places/picker.js), no reload.
    page.evaluate("window.placesNoReload = 1")
    image = page.locator("input.place-picker-image")
    box = image.bounding_box()
    image.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.locator("[name=point_lon]")).not_to_have_value(chosen.split(",")[0])
    assert page.evaluate("window.placesNoReload") == 1
    lon = page.locator("[name=point_lon]").input_value()
    page.get_by_role("button", name="提出提案").click()
    expect(page.locator(".messages")).to_be_visible()
    p = Proposal.objects.get(title="龍坡里兒童遊戲場遮陽")
    assert p.village == longpo and p.point_lon == Decimal(lon)
    expect(page.get_by_text("龍坡里", exact=False).first).to_be_visible()
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.goto(f"{live_server.url}/proposals/{p.pk}/place/")
        axe_check(page)


def test_the_proposal_lists_map_on_a_phone(page, live_server, axe_check, no_overflow, world):
    cast, cycle = world
    for name in ("龍坡里", "古莊里", "龍坡里"):
        v = Village.objects.get(name=name)
        services.proposal_create(actor=cast["district"], cycle=cycle, district=cast.district, title=f"{name}人行道",
                                 problem="窄", solution="拓寬", category="parks", proposers=[cast.proposer],
                                 village=v, point_lon=v.centroid_lon, point_lat=v.centroid_lat)
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/proposals/?district={cast.district.pk}")
    svg = page.locator("#results svg.place-map-svg")
    expect(svg).to_be_visible()
    assert svg.bounding_box()["width"] <= PHONE_VIEWPORT["width"]
    expect(page.locator("svg.place-map-svg a[aria-label='古莊里人行道']")).to_have_count(1)
    page.locator("summary", has_text="以表格呈現地圖資料").click()
    expect(page.get_by_role("row", name="龍坡里 2")).to_be_visible()
    axe_check(page)
    no_overflow(page)
    # the city-wide map, then a marker followed from the keyboard
    page.goto(f"{live_server.url}/proposals/")
    marker = page.locator("svg.place-map-svg a[aria-label='古莊里人行道']")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/proposals/{Proposal.objects.get(title='古莊里人行道').pk}/")


def test_a_rounds_results_map_shows_funded_and_not_funded(page, live_server, axe_check, no_overflow, use_language,
                                                          world):
    from voting.services import rounds as round_services
    from voting.services import tally as tally_services
    from voting.tests.round_helpers import cast as cast_ballot
    from voting.tests.round_helpers import close, make_round, verified_voter

    cast, cycle = world
    on_show = [cast.walk(cycle, State.ON_EXHIBITION) for _i in range(3)]
    for p, name in zip(on_show, ("龍坡里", "古莊里", "錦安里"), strict=True):
        v = Village.objects.get(name=name)
        services.proposal_place_set(proposal=p, actor=cast["district"], village=v, point_lon=v.centroid_lon,
                                    point_lat=v.centroid_lat, reason="定位")
        Proposal.objects.filter(pk=p.pk).update(title=f"{name}改善")
    DistrictQuota.objects.create(cycle=cycle, district=cast.district, admission_cap=2, vote_threshold=1)
    r = round_services.round_open(round_=make_round(cast["civil"], cycle, cast.district, max_choices=2),
                                  actor=cast["civil"])
    for _i in range(3):
        cast_ballot(r, verified_voter(cycle, cast.district), on_show[:2])
    r = close(r, cast["civil"])
    tally_services.round_tally_start(round_=r, actor=cast["civil"])
    tally_services.round_tally_run(round_id=r.pk)
    page.set_viewport_size(PHONE_VIEWPORT)
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.goto(f"{live_server.url}/voting/rounds/{r.pk}/results/")
        expect(page.locator("figure.place-map")).to_be_visible()
        axe_check(page)
        no_overflow(page)
    expect(page.locator("svg.place-map-svg circle")).to_have_count(2)  # funded
    expect(page.locator("svg.place-map-svg rect")).to_have_count(1)  # not funded
    expect(page.locator("svg.place-map-svg a[aria-label='錦安里改善 (未獲選)']")).to_have_count(1)
    link = page.get_by_role("link", name="各里開放資料（GeoJSON）")
    assert link.get_attribute("href") == f"/evaluation/places/{cycle.year}/villages.geojson"
