"""The public audit-chain page and the committee's proposal audit page: axe-core finds nothing, in
zh-Hant and English, and they reflow on a phone."""
import pytest
from playwright.sync_api import expect

from pbcity.audit.entries import chain_seal
from pbcity.roles import Role
from pbcity.tests.factories import staff
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

from .conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def walked(district, other_district, cycle):
    p = Cast(district, other_district).walk(cycle, State.AGENCIES_ASSIGNED)
    chain_seal()
    return p


@pytest.mark.parametrize("lang, heading, status", [
    ("zh-hant", "稽核雜湊鏈", "驗證通過"), ("en", "Audit chain", "Verified"),
])
def test_audit_chain_pages_are_accessible(page, context, live_server, login, use_language, axe_check, no_overflow,
                                          walked, lang, heading, status):
    use_language(lang)
    page.goto(live_server.url + "/audit/")
    expect(page.locator("h1")).to_have_text(heading)
    axe_check(page)
    page.set_viewport_size(PHONE_VIEWPORT)
    no_overflow(page)
    login(staff(Role.COMMITTEE))
    page.goto(live_server.url + f"/proposals/{walked.pk}/audit/")
    expect(page.locator("#chain-h + p")).to_contain_text(status)
    axe_check(page)
    no_overflow(page)
