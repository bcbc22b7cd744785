"""A resident registers for a course session, the trainer checks them in, the card appears and verifies."""
import datetime
import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, give_role, staff
from training.models import CitizenCard
from training.tests.factories import CourseFactory, SessionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running_session():
    """A 3-hour “369” session that began half an hour ago: open to register and to check in."""
    trainer = give_role(UserFactory(name="黃老師"), Role.TRAINER)
    course = CourseFactory(code="369-intro", title="參與式預算入門", hours=3)
    start = timezone.now() - datetime.timedelta(minutes=30)
    session = SessionFactory(course=course, trainer=trainer, starts_at=start,
                             ends_at=start + datetime.timedelta(hours=3), place="大安區公所 3 樓大禮堂", capacity=20)
    return session


def test_register_check_in_card_download_and_verify(browser, page, live_server, login, axe_check, running_session,
                                                    tmp_path):
    session = running_session
    resident = UserFactory(name="林美華", email="mei.lin@example.tw")

    # The resident finds the course and registers.
    login(resident)
    page.goto(f"{live_server.url}/training/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("培力課程")
    axe_check(page)
    page.get_by_role("link", name="參與式預算入門").first.click()
    page.locator(".session-list a").first.click()
    page.get_by_role("button", name="報名本場次").click()
    expect(page.locator("#registration-status")).to_contain_text("您已報名本場次")

    # The trainer, on a tablet, taps "full hours" for her.
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-TW")
    from tests.e2e.conftest import login_browser

    login_browser(tablet, live_server, session.trainer)
    desk = tablet.new_page()
    desk.goto(f"{live_server.url}/training/sessions/{session.pk}/check-in/")
    expect(desk.get_by_text("林美華").first).to_be_visible()
    desk.get_by_role("button", name="林美華 全程時數").click()
    expect(desk.locator(".messages")).to_contain_text("已儲存出席紀錄")
    expect(desk.locator(".checkin-row.done")).to_have_count(1)
    tablet.close()

    # The resident sees the new basic card and downloads it.
    page.goto(f"{live_server.url}/training/me/")
    expect(page.locator(".hours-total")).to_contain_text("3.0")
    page.get_by_role("link", name="初階市民卡").click()
    expect(page.locator("#card-holder")).to_have_text("林美華")
    axe_check(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="下載市民卡（PDF）").click()
    pdf_path = tmp_path / "card.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "林美華" in text and "初階市民卡" in text

    # Anyone can verify the card from its code, and sees only name and level.
    card = CitizenCard.objects.get(holder=resident)
    public = browser.new_context(locale="zh-TW").new_page()
    public.goto(f"{live_server.url}/training/verify/{card.verification_code}/")
    expect(public.locator(".verdict")).to_have_text("此卡有效。")
    expect(public.locator(".verify-result")).to_contain_text("林美華")
    expect(public.locator(".verify-result")).to_contain_text("初階市民卡")
    assert "mei.lin@example.tw" not in public.content()
    axe_check(public)
    assert re.search(r"/training/verify/[A-Z2-7]{16}/$", public.url)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_training_pages_pass_axe_and_fit_the_screen(browser, live_server, axe_check, no_overflow, running_session,
                                                    viewport):
    from tests.e2e.conftest import login_browser
    from training import services
    from training.models import ConsultationSlot
    from training.tests.factories import card_holder, expert

    session = running_session
    holder = card_holder("deliberation", name="張志豪")
    services.session_register(session=session, user=holder)
    services.attendance_record(actor=session.trainer, session=session, user=holder, hours=2)
    card = CitizenCard.objects.get(holder=holder, level="deliberation")
    expert(name="李教授", fields=["交通規劃"])
    ConsultationSlot.objects.create(district=session.district or _district(), starts_at=session.ends_at,
                                    ends_at=session.ends_at + datetime.timedelta(hours=1), place="大安區公所 1 樓")
    civil = staff(Role.CIVIL_AFFAIRS)

    def visit(user, paths):
        ctx = browser.new_context(viewport=viewport, locale="zh-TW")
        if user is not None:
            login_browser(ctx, live_server, user)
        page = ctx.new_page()
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("h1").count() == 1, path
            axe_check(page)
            no_overflow(page)
        ctx.close()

    visit(None, ["/training/", f"/training/courses/{session.course.code}/", f"/training/sessions/{session.pk}/",
                 "/training/experts/", "/training/consultations/", f"/training/verify/{card.verification_code}/",
                 "/training/verify/?code=WRONG"])
    visit(holder, ["/training/me/", f"/training/cards/{card.number}/", "/training/consultations/"])
    visit(session.trainer, [f"/training/sessions/{session.pk}/check-in/"])
    visit(civil, ["/training/figures/", f"/training/cards/{card.number}/", "/training/sessions/new/"])


def _district():
    from pbcity.tests.factories import DistrictFactory

    return DistrictFactory(code="daan", name="大安區", name_en="Da'an")
