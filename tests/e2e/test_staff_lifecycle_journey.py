"""Staff move a proposal through its first stages in the browser; a committee member audits it.

The district office signs in with its password and a TOTP code (MFA is required for staff), raises a
proposal with the browser form, records the assembly outcome, designates agencies at the pre-meeting
and sends it to the workshop; the proposer finds the news in the inbox; the committee member reads
every change and transition on the audit page.
"""
import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from pbcity.roles import Role
from pbcity.tests.factories import TOTP_SECRET, AgencyFactory, CycleFactory, DistrictFactory, UserFactory, staff

pytestmark = pytest.mark.django_db(transaction=True)


def _totp_now() -> str:
    import time

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def test_district_office_moves_a_proposal_and_the_committee_audits_it(page, live_server, login):
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    cycle = CycleFactory(year=2026)
    parks = AgencyFactory(code="parks", name="公園路燈工程管理處", name_en="Parks Office")
    AgencyFactory(code="transport", name="交通局", name_en="Transportation")
    office = staff(Role.DISTRICT_OFFICE, district=daan)
    proposer = UserFactory(name="林小姐", email="lin@example.tw")

    # Password, then the TOTP code.
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", office.email)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/accounts/2fa/authenticate/")
    page.fill("input[name=code]", _totp_now())
    page.get_by_role("button", name="登入").click()
    expect(page.locator("nav.main-nav")).to_contain_text("新增提案")

    # Raise a proposal with the browser form.
    page.locator("nav.main-nav").get_by_role("link", name="新增提案").click()
    page.select_option("#id_cycle", str(cycle.pk))
    page.select_option("#id_district", str(daan.pk))
    page.select_option("#id_category", "parks")
    page.fill("#id_title", "和平公園增設遮陽棚")
    page.fill("#id_problem", "午後遊戲場沒有遮蔭。")
    page.fill("#id_solution", "於遊戲場增設遮陽棚兩座。")
    page.fill("#id_estimated_cost", "800000")
    page.fill("#id_proposer_emails", proposer.email)
    page.get_by_role("button", name="提出提案").click()
    expect(page.locator("h1")).to_have_text("和平公園增設遮陽棚")
    expect(page.locator(".meta .state")).to_have_text("住民大會提案")

    # The assembly passed it: record that with a reason.
    page.fill("#reason-pass_assembly", "住民大會 31 人中 20 人支持，排名第一")
    page.locator("form:has(#reason-pass_assembly) button[type=submit]").click()
    expect(page.locator(".meta .state")).to_have_text("住民大會通過")

    # Pre-meeting: designate the lead agency.
    page.select_option("#id_lead", str(parks.pk))
    page.fill("form[action$='designate/'] textarea[name=reason]", "會前會指定公園處主辦")
    page.locator("form[action$='designate/'] button[type=submit]").click()
    expect(page.locator(".meta .state")).to_have_text("已指定機關")
    expect(page.locator("dl.facts")).to_contain_text("公園路燈工程管理處")

    # A step without a reason is refused by the page and changes nothing.
    page.locator("#reason-send_to_workshop").evaluate("el => el.removeAttribute('required')")
    page.locator("form:has(#reason-send_to_workshop) button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("理由")
    expect(page.locator(".meta .state")).to_have_text("已指定機關")
    page.fill("#reason-send_to_workshop", "進入提案審議工作坊")
    page.locator("form:has(#reason-send_to_workshop) button[type=submit]").click()
    expect(page.locator(".meta .state")).to_have_text("審議工作坊")
    proposal_url = page.url

    # The proposer reads the news in the inbox.
    login(proposer)
    page.goto(live_server.url + "/inbox/")
    expect(page.locator("main")).to_contain_text("和平公園增設遮陽棚")
    expect(page.locator("main")).to_contain_text("審議工作坊")

    # The committee member audits every change and transition.
    login(staff(Role.COMMITTEE))
    page.goto(proposal_url)
    page.get_by_role("link", name="稽核軌跡").click()
    transitions = page.locator("section[aria-labelledby=tr-h] tbody tr")
    expect(transitions).to_have_count(4)
    expect(page.locator("section[aria-labelledby=tr-h]")).to_contain_text("會前會指定公園處主辦")
    expect(page.locator("section[aria-labelledby=tr-h]")).to_contain_text(office.email)
    expect(page.locator("section[aria-labelledby=hist-h]")).to_contain_text("公園路燈工程管理處")
