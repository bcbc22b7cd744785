"""Civil affairs closes a round early in the browser: the close step opens a disclosure that says what
will happen and that it cannot be undone; a reason is required; the district's voter is told why.
axe-core in both languages, under the site's CSP (no inline script)."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pbcity.models import Notification
from pbcity.tests.factories import CycleFactory, DistrictFactory
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from voting.models import Round

pytestmark = pytest.mark.django_db(transaction=True)


def test_civil_affairs_closes_a_round_early_with_a_reason_after_confirming(
        page, live_server, login, use_language, axe_check, no_overflow):
    from voting.services import rounds as round_services
    from voting.tests.round_helpers import PUBLIC_KEY, verified_voter

    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    beitou = DistrictFactory(code="beitou", name="北投區", name_en="Beitou")
    cycle = CycleFactory(year=2026)
    people = Cast(daan, beitou)
    civil = people["civil"]
    people.walk(cycle, State.ON_EXHIBITION)
    now = timezone.now()
    r = round_services.round_create(actor=civil, cycle=cycle, district=daan, opens_at=now - datetime.timedelta(hours=1),
                                    closes_at=now + datetime.timedelta(hours=5), public_key=PUBLIC_KEY)
    r = round_services.round_open(round_=r, actor=civil)
    voter = verified_voter(cycle, daan)

    login(civil)
    page.goto(f"{live_server.url}/voting/rounds/manage/")
    close = page.locator("summary", has_text="截止大安區投票")
    close.click()
    expect(page.locator("details.confirm[open]")).to_contain_text("此步驟無法復原")
    expect(page.locator("details.confirm[open]")).to_contain_text("提前截止")
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.reload()
        page.locator("details.confirm summary").first.click()
        axe_check(page)
        no_overflow(page)
    expect(page.locator("details.confirm").first).to_have_attribute("open", "")  # left open after the loop
    # The reason is required: the browser keeps the form until it is given.
    page.get_by_role("button", name="是，立即截止").click()
    assert Round.objects.get(pk=r.pk).status == Round.Status.OPEN
    page.get_by_label("原因（將告知本區投票人）").first.fill("颱風停班停課")
    page.get_by_role("button", name="是，立即截止").click()
    expect(page.locator(".messages")).to_contain_text("票匭")
    axe_check(page)

    r.refresh_from_db()
    assert r.status == Round.Status.CLOSED and r.closed_at < r.closes_at
    note = Notification.objects.get(recipient=voter.user, key__startswith="round-closed:")
    assert "提前截止" in note.subject and "颱風停班停課" in note.body
