"""A resident signs up, verifies the e-mail address, finds a proposal in their district and follows it."""
import re

import pytest
from playwright.sync_api import expect

from pbcity.roles import Role
from pbcity.tests.factories import CycleFactory, DistrictFactory, staff
from proposals import services
from proposals.models import Proposal

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


@pytest.fixture
def proposals_in_two_districts():
    """Three raised proposals; only one is in Da'an *and* mentions shade sails."""
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    beitou = DistrictFactory(code="beitou", name="北投區", name_en="Beitou")
    cycle = CycleFactory(year=2026)
    walkin = [("陳阿姨", "0912-345-678")]
    daan_office = staff(Role.DISTRICT_OFFICE, district=daan)
    beitou_office = staff(Role.DISTRICT_OFFICE, district=beitou)

    def raise_(office, district, title, problem, category):
        return services.proposal_create(
            actor=office, cycle=cycle, district=district, title=title, problem=problem,
            solution="請市府評估並施作。", category=category, location="", proposers=walkin,
        )

    shade = raise_(daan_office, daan, "大安森林公園兒童遊戲場增設遮陽棚", "夏天遊戲場太熱，孩子無法使用。", "parks")
    services.proposal_transition(proposal=shade, actor=daan_office, transition_name="pass_assembly",
                                 reason="住民大會表決通過（贊成 42 票）")
    sidewalk = raise_(daan_office, daan, "信義路三段人行道拓寬", "人行道太窄，輪椅無法通過。", "walking")
    elsewhere = raise_(beitou_office, beitou, "北投公園增設遮陽棚", "公園沒有遮蔭。", "parks")
    return {"daan": daan, "shade": Proposal.objects.get(pk=shade.pk), "sidewalk": sidewalk, "elsewhere": elsewhere}


def test_resident_signs_up_verifies_and_follows_a_proposal(
    page, live_server, mailoutbox, proposals_in_two_districts, axe_check
):
    data = proposals_in_two_districts
    mailoutbox.clear()  # notifications sent while the data was made
    email = "resident.lin@example.tw"
    password = "Taipei-PB-2026-walk"

    # Sign up (the interface speaks Traditional Chinese by default).
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.locator("main form[method=post] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    axe_check(page)

    # The verification e-mail, sent by the live server thread of this process.
    sent = [m for m in mailoutbox if email in m.to]
    assert len(sent) == 1, [m.subject for m in mailoutbox]
    link = CONFIRM_LINK.search(sent[0].body)
    assert link, sent[0].body
    assert link.group(0).startswith(live_server.url)

    # Opening the link does not confirm by itself (ACCOUNT_CONFIRM_EMAIL_ON_GET=False): press the button.
    page.goto(link.group(0))
    axe_check(page)
    page.locator("main form[method=post] [type=submit]").click()
    page.wait_for_load_state()
    from allauth.account.models import EmailAddress
    assert EmailAddress.objects.get(email=email).verified

    # Confirming logs the resident in (same browser session); log in otherwise.
    logout = page.locator("header form[action$='/accounts/logout/'] button")
    if not logout.count():
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        page.locator("main form[method=post] [type=submit]").click()
    expect(logout).to_be_visible()

    # The proposal list, from the main navigation.
    page.locator("nav.main-nav a[href='/proposals/']").click()
    expect(page).to_have_url(re.compile(r"/proposals/$"))
    results = page.locator("#results .proposal-list > li")
    expect(results).to_have_count(3)

    # Filter by district (htmx swaps #results on change), then by words, submitted with the button.
    page.locator("#id_district").select_option(str(data["daan"].pk))
    expect(results).to_have_count(2)
    expect(page.locator("#results")).not_to_contain_text("北投公園增設遮陽棚")
    page.locator("#id_q").fill("遮陽棚")
    page.locator("form[role=search] [type=submit]").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("大安森林公園兒童遊戲場增設遮陽棚")
    expect(page.locator("#results")).not_to_contain_text("信義路三段人行道拓寬")
    # The URL keeps the filter, so it can be shared and survives a reload.
    expect(page).to_have_url(re.compile(rf"district={data['daan'].pk}"))
    page.reload()
    expect(results).to_have_count(1)
    axe_check(page)

    # The proposal and its timeline.
    results.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/proposals/{data['shade'].pk}/$"))
    expect(page.locator("h1")).to_have_text("大安森林公園兒童遊戲場增設遮陽棚")
    timeline = page.locator("section[aria-labelledby=timeline-h] ol > li")
    expect(timeline).to_have_count(2)  # raised, passed the assembly
    expect(timeline.last).to_contain_text("住民大會表決通過（贊成 42 票）")
    expect(timeline.last).to_have_attribute("aria-current", "step")
    # A resident sees no staff actions.
    expect(page.locator("section[aria-labelledby=actions-h]")).to_have_count(0)
    axe_check(page)
