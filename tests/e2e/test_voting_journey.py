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


# --- Part 2 (V2): vote on a phone, receipt, board after close, results and admitted proposals -------

def test_vote_on_a_phone_find_the_receipt_on_the_board_and_see_the_results(
        browser, page, live_server, login, use_language, axe_check, no_overflow):
    from django.utils import timezone

    from pbcity.models import DistrictQuota
    from proposals.models import Proposal
    from voting.services import rounds as round_services
    from voting.services import tally as tally_services
    from voting.tests.round_helpers import PUBLIC_KEY, SHARES, verified_voter
    from voting.tests.round_helpers import cast as cast_ballot

    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    beitou = DistrictFactory(code="beitou", name="北投區", name_en="Beitou")
    cycle = CycleFactory(year=2026)
    people = Cast(daan, beitou)
    civil = people["civil"]
    projects = [people.walk(cycle, State.ON_EXHIBITION) for _i in range(3)]
    Proposal.objects.filter(pk=projects[1].pk).update(title="通學步道人車分道")
    DistrictQuota.objects.create(cycle=cycle, district=daan, admission_cap=1, vote_threshold=1)
    now = timezone.now()
    r = round_services.round_create(actor=civil, cycle=cycle, district=daan, opens_at=now - datetime.timedelta(hours=1),
                                    closes_at=now + datetime.timedelta(hours=1), max_choices=2,
                                    public_key=PUBLIC_KEY)
    r = round_services.round_open(round_=r, actor=civil)
    voter = verified_voter(cycle, daan, user=UserFactory(name="大安區的王小姐"))
    for _i in range(2):
        cast_ballot(r, verified_voter(cycle, daan), projects[1:2])
    base = live_server.url

    # 1. On a phone: choose, review, confirm, receipt — the rule is spelled out.
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-TW")
    phone = context.new_page()
    from .conftest import login_browser, set_browser_language
    login_browser(context, live_server, voter.user)
    phone.goto(f"{base}/voting/rounds/")
    phone.get_by_role("link", name="前往我的選票").click()
    expect(phone.locator("#ballot-rules")).to_contain_text("請選擇 1 到 2 個提案")
    for lang in LANGUAGES:
        set_browser_language(context, live_server, lang)
        phone.reload()
        axe_check(phone)
        no_overflow(phone)
    set_browser_language(context, live_server, "zh-hant")
    phone.reload()
    phone.get_by_label(projects[0].title).first.check()
    phone.get_by_label("通學步道人車分道").check()
    phone.get_by_label(projects[2].title).last.check()
    phone.get_by_role("button", name="檢視我的選擇").click()
    expect(phone.locator("[role=alert]")).to_contain_text("請選擇 1 到 2 個提案")  # three is one too many
    expect(phone.locator("input[type=checkbox]:checked")).to_have_count(3)  # nothing typed is lost
    phone.get_by_label(projects[2].title).last.uncheck()
    phone.get_by_role("button", name="檢視我的選擇").click()
    expect(phone.locator(".review-list li")).to_have_count(2)
    axe_check(phone)
    no_overflow(phone)
    phone.get_by_role("button", name="確認並投出選票").click()
    receipt = phone.locator(".receipt-code strong").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", receipt)
    axe_check(phone)
    no_overflow(phone)
    phone.goto(f"{base}/voting/rounds/{r.pk}/ballot/")
    expect(phone.locator(".voted-state")).to_contain_text("您已投票")
    axe_check(phone)

    # 2. Before close: no counts anywhere; the board shows only the published heads.
    assert phone.goto(f"{base}/voting/rounds/{r.pk}/results/").status == 404
    phone.goto(f"{base}/voting/rounds/{r.pk}/board/")
    expect(phone.locator("main")).not_to_contain_text(receipt)
    axe_check(phone)
    context.close()

    # 3. Civil affairs close (the closing time has passed); the committee's key holders open the ballot
    # box together with a quorum of shares; civil affairs count (the count runs as a task).
    round_services.round_close(round_=r, actor=civil, now=r.closes_at + datetime.timedelta(seconds=1))
    login(people["committee"])
    page.goto(f"{base}/voting/rounds/{r.pk}/ballot-box/")
    _axe_both(page, axe_check, no_overflow, use_language)
    page.get_by_label("法定人數持有人的金鑰分片，每行一個").fill("\n".join(SHARES[:2]))
    page.get_by_role("button", name="開啟票匭").click()
    expect(page.locator(".messages")).to_contain_text("票匭已開啟")
    login(civil)
    page.goto(f"{base}/voting/rounds/manage/")
    _axe_both(page, axe_check, no_overflow, use_language)
    page.locator("summary", has_text="大安區計票").click()  # the final button is inside the disclosure
    page.get_by_role("button", name="是，立即計票").click()
    expect(page.locator(".messages")).to_contain_text("計票已開始")
    tally_services.round_tally_run(round_id=r.pk)  # idempotent: done already when Celery runs eagerly

    # 4. The voter finds the receipt on the public board, then the results and the admitted proposal.
    page.goto(f"{base}/voting/rounds/{r.pk}/board/")
    page.get_by_label("查詢我的收據").fill(receipt.lower().replace("-", ""))
    page.get_by_role("button", name="查詢", exact=True).click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("table.board")).to_contain_text(receipt)
    expect(page.locator("table.board")).to_contain_text("通學步道人車分道")
    _axe_both(page, axe_check, no_overflow, use_language)
    page.goto(f"{base}/voting/rounds/")
    page.get_by_role("link", name="大安區結果").click()
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("main")).to_contain_text("錄案提案")
    admitted = page.locator("main ul").filter(has_text="通學步道人車分道")
    expect(admitted).to_be_visible()
    _axe_both(page, axe_check, no_overflow, use_language)
    assert Proposal.objects.get(pk=projects[1].pk).state == State.ADMITTED
    assert page.goto(f"{base}/voting/rounds/{r.pk}/results.pdf").status == 200
