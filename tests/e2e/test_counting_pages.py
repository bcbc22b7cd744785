"""Other cities' elections and the rule comparison in Chromium: civil affairs imports a .pb file, the
public reads what each rule funds; axe-core on every page in both languages, reflowed on a phone."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pbcity.roles import Role
from pbcity.tests.factories import staff

from .conftest import PHONE_VIEWPORT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

ASSEN = Path(__file__).resolve().parents[2] / "voting" / "fixtures" / "pabulib" / "Netherlands_Assen_2024.pb"


@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_import_a_pb_file_and_compare_the_rules(lang, page, live_server, login, use_language, axe_check,
                                                no_overflow):
    civil = staff(Role.CIVIL_AFFAIRS)
    use_language(lang)
    login(civil)
    page.goto(live_server.url + "/voting/elsewhere/")
    axe_check(page)
    page.locator("input[type=file]").set_input_files(str(ASSEN))
    page.locator("input[name=source]").fill("pabulib.org — Assen 2024")
    # Reading the file and running every rule happen in this request when Celery runs eagerly.
    page.locator("form[enctype] button[type=submit]").click(timeout=120000)
    # Celery runs eagerly here or the page polls: either way the comparison appears.
    expect(page.locator("h1")).to_contain_text("Assen Top Idee", timeout=20000)
    expect(page.locator("main")).to_contain_text("PopUp Podium", timeout=20000)
    page.reload()
    expect(page.locator("table").first).to_be_visible()
    axe_check(page)
    page.set_viewport_size(PHONE_VIEWPORT)
    no_overflow(page)
    axe_check(page)
    with page.expect_download() as download:
        page.locator("a[href$='election.pb']").click()
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("META")
