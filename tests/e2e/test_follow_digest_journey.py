"""A resident follows a proposal and chooses the daily digest; a step happens; the digest and the inbox show it."""
import pytest
from playwright.sync_api import expect

from pbcity.models import Follow
from pbcity.roles import Role
from pbcity.tasks import notification_digests_start
from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory, staff
from proposals import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_resident_follows_a_proposal_and_receives_the_daily_digest(page, live_server, mailoutbox, login, axe_check):
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    office = staff(Role.DISTRICT_OFFICE, district=daan)
    shade = services.proposal_create(
        actor=office, cycle=CycleFactory(year=2026), district=daan, title="大安森林公園兒童遊戲場增設遮陽棚",
        problem="夏天遊戲場太熱。", solution="增設遮陽棚。", category="parks", location="",
        proposers=[("陳阿姨", "0912-345-678")],
    )
    resident = UserFactory(name="林小姐")
    login(resident)

    # Follow it from its page (a plain form: no script needed).
    page.goto(f"{live_server.url}{shade.get_absolute_url()}")
    page.get_by_role("button", name="追蹤", exact=True).click()
    expect(page.locator(".follow .badge")).to_have_text("追蹤中")
    assert Follow.objects.filter(user=resident, target_kind="proposal", target_id=shade.pk).exists()
    axe_check(page)

    # Proposal news in the daily digest, from the settings page linked in the header.
    page.get_by_role("link", name="通知設定").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知設定")
    expect(page.get_by_role("link", name=shade.title)).to_be_visible()  # the "Following" list
    page.get_by_role("group", name="提案進度").get_by_label("收件匣並每日寄一封摘要郵件").check()
    page.get_by_role("button", name="儲存").click()
    expect(page.locator(".messages, [role=status], .message").first).to_contain_text("已儲存")
    axe_check(page)

    # A step happens: nothing is e-mailed at once to the resident.
    mailoutbox.clear()
    services.proposal_transition(proposal=shade, actor=office, transition_name="pass_assembly",
                                 reason="住民大會表決通過")
    assert not [m for m in mailoutbox if resident.email in m.to]

    # The beat's daily digest task: one e-mail with the step; running it again sends nothing more.
    notification_digests_start.apply()
    notification_digests_start.apply()
    digests = [m for m in mailoutbox if resident.email in m.to]
    assert len(digests) == 1
    assert "每日摘要" in digests[0].subject
    assert shade.title in digests[0].body and "住民大會通過" in digests[0].body

    # The inbox groups the step under the proposal's heading.
    page.goto(f"{live_server.url}/inbox/")
    group = page.locator("section.inbox-group").filter(has=page.get_by_role("heading", level=2, name=shade.title))
    expect(group.get_by_role("heading", level=3)).to_contain_text("您追蹤的提案")
    axe_check(page)
    page.get_by_role("link", name="只看未讀").click()
    expect(page.locator("section.inbox-group")).to_have_count(1)
    page.get_by_role("button", name="全部標示為已讀").click()
    expect(page.get_by_text("沒有未讀訊息。")).to_be_visible()
    axe_check(page)
