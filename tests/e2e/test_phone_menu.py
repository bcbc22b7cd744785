"""The phone menu: a logged-in resident's header fits in a few lines of an 844 px screen; the menu opens
and closes with a keyboard, under the CSP (no inline script), and axe finds nothing open or closed."""
import pytest
from playwright.sync_api import expect

from .conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.django_db(transaction=True)


def test_phone_menu_collapses_and_opens_with_the_keyboard(page, live_server, login, resident, axe_check,
                                                          use_language):
    use_language("en")
    login(resident)
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(live_server.url + "/proposals/")
    header = page.locator("header.site-header")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    nav_link = page.locator("nav.main-nav").get_by_role("link", name="Inbox")
    expect(nav_link).to_be_hidden()
    # Logged in, the header was 264–286 px tall; collapsed it is one row.
    assert header.bounding_box()["height"] < 90
    axe_check(page)

    # Keyboard only: Tab from the skip link reaches the brand, then the menu button.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav_link).to_be_visible()
    axe_check(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav_link).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

    # Opening it and following a link works like any link.
    toggle.click()
    nav_link.click()
    expect(page).to_have_url(live_server.url + "/inbox/")


def test_wide_screen_shows_the_whole_menu_without_a_button(page, live_server, login, resident):
    login(resident)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator("nav.main-nav").get_by_role("link", name="通知匣")).to_be_visible()
