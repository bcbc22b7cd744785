"""i-Voting in the browser. Part 1 (eligibility, exhibition): civil affairs import the household register
with a progress bar; one resident registers on a phone and is verified online by the match, another is
verified in person by district-office staff; residents comment on the exhibition. axe-core on every page,
both languages. Later parts: voting, receipt, board, results."""
import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from pbcity.roles import Role
from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory, staff
from pbcity.tests.upload_samples import png_bytes
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from voting import rules
from voting.models import Comment, Voter

from .conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["zh-hant", "en"]
ONLINE_ID, IN_PERSON_ID = "F131104093", "AB12345677"


def _keyed(raw):
    return rules.id_keyed(rules.normalise_id(raw), key=settings.VOTER_ID_HMAC_KEY.encode())


@pytest.fixture
def eligibility_world():
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    beitou = DistrictFactory(code="beitou", name="北投區", name_en="Beitou")
    cycle = CycleFactory(year=2026)
    cycle.phases.filter(phase="voting").update(starts_on=datetime.date(2026, 12, 1),
                                               ends_on=datetime.date(2026, 12, 14))
    cast = Cast(daan, beitou)
    return {
        "cycle": cycle, "daan": daan, "cast": cast,
        "civil": staff(Role.CIVIL_AFFAIRS), "office": cast["district"],
        "online": UserFactory(name="設籍的林小姐"), "in_person": UserFactory(name="在大安區工作的陳先生"),
        "exhibited": cast.walk(cycle, State.ON_EXHIBITION),
    }


def _axe_both(page, axe_check, no_overflow, use_language):
    for lang in LANGUAGES:
        use_language(lang)
        page.reload()
        axe_check(page)
        no_overflow(page)
    use_language("zh-hant")
    page.reload()


def test_residents_register_and_are_verified_online_and_in_person(
        browser, page, live_server, eligibility_world, login, use_language, axe_check, no_overflow, tmp_path):
    w, base = eligibility_world, live_server.url

    # 1. Civil affairs import the (keyed) household register and watch the progress bar finish.
    login(w["civil"])
    page.goto(f"{base}/voting/voters/register-imports/")
    _axe_both(page, axe_check, no_overflow, use_language)
    register = tmp_path / "household-register.csv"
    register.write_text("id_hmac,birth_date,district\n"
                        f"{_keyed(ONLINE_ID)},1995-04-01,daan\n"
                        "A123456789,1990-01-01,daan\n", encoding="utf-8")  # a raw ID: rejected
    page.locator("#id_file").set_input_files(str(register))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/voting/voters/register-imports/\d+/$"))
    expect(page.locator("#import-progress")).to_contain_text("完成")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("#import-progress table")).to_contain_text("64")
    _axe_both(page, axe_check, no_overflow, use_language)

    # 2. A household-registered resident registers on a phone: verified online at once.
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-TW")
    phone = context.new_page()
    from .conftest import login_browser
    login_browser(context, live_server, w["online"])
    phone.goto(f"{base}/voting/voters/register/")
    axe_check(phone)
    no_overflow(phone)
    phone.locator("#id_id_number").fill(ONLINE_ID[:-1] + "4")  # a typo first: refused, not echoed
    phone.locator("#id_birth_date").fill("1995-04-01")
    phone.locator("#id_basis_0").check()
    phone.locator("#id_district").select_option(str(w["daan"].pk))
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator(".errorlist, [role=alert]").first).to_contain_text("身分證統一編號")
    expect(phone.locator("#id_id_number")).to_have_value("")
    expect(phone.locator("#id_birth_date")).to_have_value("1995-04-01")  # the rest is kept
    axe_check(phone)
    phone.locator("#id_id_number").fill(ONLINE_ID.lower())
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/voting/voters/me/$"))
    expect(phone.locator("main")).to_contain_text("已驗證")
    expect(phone.locator("main")).to_contain_text("線上比對戶籍資料")
    axe_check(phone)
    no_overflow(phone)
    context.close()

    # 3. Someone who works in the district registers with a proof and waits for the office.
    login(w["in_person"])
    page.goto(f"{base}/voting/voters/register/")
    _axe_both(page, axe_check, no_overflow, use_language)
    page.locator("#id_id_number").fill(IN_PERSON_ID)
    page.locator("#id_birth_date").fill("1988-10-10")
    page.locator("#id_basis_2").check()
    page.locator("#id_district").select_option(str(w["daan"].pk))
    page.locator("#id_document").set_input_files(
        files=[{"name": "work-proof.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("等待驗證")
    _axe_both(page, axe_check, no_overflow, use_language)

    # 4. District-office staff see the proof and verify the person in person, with the reason.
    login(w["office"])
    page.goto(f"{base}/voting/voters/verification/")
    _axe_both(page, axe_check, no_overflow, use_language)
    card = page.locator("section.card", has_text="在大安區工作的陳先生")
    expect(card.get_by_role("link", name="work-proof.png")).to_be_visible()
    card.get_by_label("通過驗證").check()
    card.get_by_label("理由（列入紀錄）").fill("在職證明與身分證核對無誤")
    card.get_by_role("button", name="記錄決定").click()
    expect(page.locator("main")).to_contain_text("沒有等待驗證的投票人")

    online = Voter.objects.get(user=w["online"])
    in_person = Voter.objects.get(user=w["in_person"])
    assert (online.status, online.verified_via) == ("verified", "online")
    assert (in_person.status, in_person.verified_via, in_person.verified_by) == ("verified", "in_person", w["office"])
    assert in_person.decisions.last().reason == "在職證明與身分證核對無誤"

    login(w["in_person"])
    page.goto(f"{base}/voting/voters/me/")
    expect(page.locator("main")).to_contain_text("區公所臨櫃驗證")


def test_exhibition_comment_report_and_moderation(page, live_server, eligibility_world, login, use_language,
                                                  axe_check, no_overflow):
    w, base = eligibility_world, live_server.url
    proposal = w["exhibited"]
    page.goto(f"{base}/voting/exhibition/")
    _axe_both(page, axe_check, no_overflow, use_language)
    page.get_by_role("link", name=proposal.title).click()
    expect(page.locator("h1")).to_have_text(proposal.title)
    _axe_both(page, axe_check, no_overflow, use_language)

    login(w["online"])
    page.goto(f"{base}/voting/exhibition/{proposal.pk}/")
    page.get_by_label("您的留言").fill("很需要遮陽棚！")
    page.locator("form[aria-labelledby=new-comment-h] button[type=submit]").click()
    expect(page.locator(".comment").first).to_contain_text("很需要遮陽棚！")
    page.locator(".comment summary", has_text="回覆").first.click()
    page.get_by_label("您的回覆").fill("同意")
    page.get_by_role("button", name="送出回覆").click()
    expect(page.locator(".replies")).to_contain_text("同意")
    _axe_both(page, axe_check, no_overflow, use_language)

    login(w["in_person"])
    page.goto(f"{base}/voting/exhibition/{proposal.pk}/")
    page.locator(".comment summary", has_text="檢舉不當留言").first.click()
    page.get_by_label("這則留言有什麼問題？").first.fill("測試檢舉")
    page.get_by_role("button", name="檢舉", exact=True).first.click()
    expect(page.locator("main")).to_contain_text("您已檢舉這則留言")

    login(w["office"])
    page.goto(f"{base}/voting/exhibition/moderation/")
    _axe_both(page, axe_check, no_overflow, use_language)
    page.get_by_label("處理方式").select_option("hide")
    page.get_by_label("理由（列入紀錄）").fill("測試隱藏")
    page.get_by_role("button", name="記錄處理結果").click()
    expect(page.locator("main")).to_contain_text("已處理")
    assert Comment.objects.filter(hidden=True).count() == 1

    page.goto(f"{base}/voting/exhibition/{proposal.pk}/poster.pdf")  # the PDF opens (content tested elsewhere)
