"""The committee reviews a mobilisation flag in the browser: from the menu to the flag list, the flag's
numbers (measure, value, threshold, baseline), a decision with its reason; axe-core in both languages."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mobilisation.models import CastTrace, Flag, FlagReview
from mobilisation.services import cast_trace_record, round_flags_compute
from pbcity.tests.factories import CycleFactory, DistrictFactory
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_committee_reviews_a_network_flag(page, live_server, login, use_language, axe_check, no_overflow):
    from django.test import RequestFactory

    from voting.services import rounds as round_services
    from voting.tests.round_helpers import PUBLIC_KEY

    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    beitou = DistrictFactory(code="beitou", name="北投區", name_en="Beitou")
    cycle = CycleFactory(year=2026)
    people = Cast(daan, beitou)
    people.walk(cycle, State.ON_EXHIBITION)
    now = timezone.now()
    r = round_services.round_create(actor=people["civil"], cycle=cycle, district=daan,
                                    opens_at=now - datetime.timedelta(hours=3),
                                    closes_at=now + datetime.timedelta(hours=5), public_key=PUBLIC_KEY)
    r = round_services.round_open(round_=r, actor=people["civil"])
    # 30 ballots' requests from one /24 within half an hour, and 30 from networks of their own.
    for i in range(60):
        address = f"203.0.113.{i}" if i < 30 else f"10.0.{i}.1"
        cast_trace_record(request=RequestFactory().post("/", REMOTE_ADDR=address), round_id=r.pk,
                          now=now - datetime.timedelta(minutes=90 - (i if i < 30 else 2 * i - 30)))
    assert CastTrace.objects.filter(round=r).count() == 60
    [flag] = round_flags_compute(round_=r)
    assert flag.kind == Flag.Kind.NETWORK

    login(people["committee"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="動員示警").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("動員示警")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("同一網路的集中投票")
    expect(row).to_contain_text("尚未審查")
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.reload()
        axe_check(page)
        no_overflow(page)
    page.get_by_role("link", name="同一網路的集中投票").click()
    expect(page.locator("main")).to_contain_text("同一網路（其位址前綴的金鑰雜湊）")
    expect(page.locator("dl")).to_contain_text("30")
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.reload()
        axe_check(page)
        no_overflow(page)
    # A reason is required.
    page.get_by_label("調查中").check()
    page.get_by_role("button", name="記錄決定").click()
    assert not FlagReview.objects.exists()
    page.get_by_label("調查中").check()
    page.get_by_label("理由").fill("同一網段半小時 30 票，請區公所確認是否為投票協助站。")
    page.get_by_role("button", name="記錄決定").click()
    expect(page.locator(".messages")).to_contain_text("稽核鏈")
    expect(page.locator("ol")).to_contain_text("請區公所確認")
    axe_check(page)
    review = FlagReview.objects.get()
    assert (review.flag_id, review.decision, review.by_id) == (flag.pk, "investigate", people["committee"].pk)
    page.goto(f"{live_server.url}/mobilisation/?state=reviewed")
    expect(page.locator("tbody tr").first).to_contain_text("調查中")
