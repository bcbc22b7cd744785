"""A resident assembly in the browser: plan, sign in 11 people, two tables, four proposals raised,
votes from phone-sized pages, the vote closed; results and proposal states show the outcome."""
import re

import pytest
from playwright.sync_api import expect

from assemblies.models import Assembly, AssemblyProposal
from pbcity.roles import Role
from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory, staff
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory
from training.tests.factories import card_holder

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WALK_INS = ["林阿姨", "陳伯伯", "張同學", "黃太太", "李先生", "王小姐", "吳老師", "趙里長", "周媽媽", "徐大哥"]
# (title, problem, votes); 11 present × 2 votes = 22; more than half is 6; K = 2.
PROPOSALS = [
    ("公園加裝遮陽棚", "夏天公園沒有遮蔭，長者無法久坐。", 8),   # passes
    ("通學巷道人行道", "上下學時段人車爭道。", 7),               # passes
    ("河濱步道照明", "河濱步道夜間昏暗。", 6),                   # more than half, but rank 3 = K+1: rejected
    ("社區圖書角", "孩子放學後缺乏閱讀空間。", 1),               # rejected
]


@pytest.fixture
def world():
    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    cycle = CycleFactory(year=2026)
    past = CycleFactory(year=2025)
    ProposalFactory(cycle=past, district=daan, title="公園增設遮陽棚與飲水機", problem="夏天公園沒有遮蔭。",
                    solution="增設遮陽棚。", state="completed")
    return {
        "district": daan, "cycle": cycle,
        "office": staff(Role.DISTRICT_OFFICE, district=daan),
        "crew": [card_holder(name=n) for n in ("桌長甲", "記錄乙", "桌長丙", "記錄丁")],
        "resident": UserFactory(name="預先報名的王先生"),
    }


def test_assembly_from_plan_to_results(browser, page, live_server, world, login, axe_check, no_overflow):
    base = live_server.url
    login(world["office"])

    # 1. Plan (district-office staff).
    page.goto(f"{base}/assemblies/new/")
    page.locator("#id_cycle").select_option(str(world["cycle"].pk))
    page.locator("#id_title").fill("大安區住民大會（瀏覽器測試）")
    page.locator("#id_starts_at").fill("2026-03-21T14:00")
    page.locator("#id_venue").fill("大安區行政中心 10 樓大禮堂")
    page.locator("#id_top_k").select_option("2")
    page.locator("#id_votes_per_attendee").fill("2")
    page.locator("#id_district_features").fill("大安森林公園、學校多、通學人口多。")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/assemblies/\d+/manage/$"))
    a = Assembly.objects.get(title="大安區住民大會（瀏覽器測試）")
    assert (a.top_k, a.votes_per_attendee, a.status) == (2, 2, "planned")

    # The public briefing lists the district's past success; a resident pre-registers.
    resident_ctx = browser.new_context(viewport=PHONE, locale="zh-TW")
    from tests.e2e.conftest import login_browser

    login_browser(resident_ctx, live_server, world["resident"])
    rpage = resident_ctx.new_page()
    rpage.goto(f"{base}/assemblies/{a.pk}/")
    expect(rpage.locator("main")).to_contain_text("公園增設遮陽棚與飲水機")
    axe_check(rpage)
    rpage.locator(f"form[action$='/assemblies/{a.pk}/register/'] button").click()
    expect(rpage).to_have_url(re.compile(r"/my-code/$"))
    code = rpage.locator(".big-code").inner_text().strip()
    assert len(code) == 8
    axe_check(rpage)

    # 2. Start and sign in: one by code, ten walk-ins.
    page.locator("form[action$='/step/'] button").click()
    page.goto(f"{base}/assemblies/{a.pk}/desk/")
    page.locator("#id_code").fill(code.lower())
    page.locator("form[action$='/desk/sign-in/'] button").click()
    expect(page.locator(".desk-feedback")).to_contain_text("王先生")
    page.locator("#id_code").fill("NOPE0000")
    page.locator("form[action$='/desk/sign-in/'] button").click()
    expect(page.locator(".desk-feedback .error")).to_contain_text("NOPE0000")
    for i, name in enumerate(WALK_INS):
        page.locator("#id_name").fill(name)
        page.locator("#id_contact").fill(f"0912-000-{i:03d}")
        page.locator("form[action$='/desk/walk-in/'] button").click()
        expect(page.locator(".desk-feedback")).to_contain_text(name)
        expect(page.locator("#id_name")).to_have_value("")
    axe_check(page)  # the desk, after htmx swaps
    attendees = list(a.attendees.order_by("id"))
    assert len(attendees) == 11 and all(x.is_present for x in attendees)

    # 3. Two tables with deliberation-card holders; attendees seated.
    lead1, rec1, lead2, rec2 = world["crew"]
    for number, lead, rec in ((1, lead1, rec1), (2, lead2, rec2)):
        page.goto(f"{base}/assemblies/{a.pk}/tables/")
        page.locator("#id_number").fill(str(number))
        page.locator("#id_lead").fill(lead.email)
        page.locator("#id_recorder").fill(rec.email)
        page.locator("form.narrow button[type=submit]").click()
        expect(page.locator(f"#table-{a.tables.get(number=number).pk}-h")).to_be_visible()
    t1, t2 = a.tables.get(number=1), a.tables.get(number=2)
    for table, people in ((t1, attendees[:6]), (t2, attendees[6:])):
        form = page.locator(f"form[action$='/tables/{table.pk}/seat/']")
        for att in people:
            form.locator(f"input[value='{att.pk}']").check()
        form.locator("button[type=submit]").click()
        expect(page.locator(".messages")).to_be_visible()
    assert a.attendees.filter(table=t1).count() == 6 and a.attendees.filter(table=t2).count() == 5
    axe_check(page)

    # 4. Recorders enter two proposals each; similar past proposals appear while typing.
    for table, recorder, rows, people in ((t1, rec1, PROPOSALS[:2], attendees[:6]),
                                          (t2, rec2, PROPOSALS[2:], attendees[6:])):
        ctx = browser.new_context(locale="zh-TW")
        login_browser(ctx, live_server, recorder)
        rp = ctx.new_page()
        for n, (title, problem, _votes) in enumerate(rows):
            rp.goto(f"{base}/assemblies/{a.pk}/tables/{table.pk}/")
            rp.locator("#id_title").fill(title)
            rp.locator("#id_problem").fill(problem)
            if title == "公園加裝遮陽棚":
                expect(rp.locator("#similar")).to_contain_text("公園增設遮陽棚與飲水機")
                axe_check(rp)
            rp.locator("#id_solution").fill("請市府評估施作。")
            rp.locator(f"input[name=proposers][value='{people[n].pk}']").check()
            rp.get_by_role("button", name="提出此提案").click()
            expect(rp.locator(".messages")).to_contain_text(title)
        ctx.close()
    items = {it.proposal.title: it for it in AssemblyProposal.objects.filter(assembly=a).select_related("proposal")}
    assert len(items) == 4 and {it.proposal.state for it in items.values()} == {"raised"}

    # 5. Open the vote; everyone votes from a phone-sized page.
    page.goto(f"{base}/assemblies/{a.pk}/manage/")
    page.locator("form[action$='/step/'] button").click()
    a.refresh_from_db()
    assert a.status == "voting" and a.present_at_vote == 11
    plan = {att.pk: [] for att in attendees}
    ptr = 0
    for title, _problem, votes in PROPOSALS:
        for j in range(votes):
            plan[attendees[(ptr + j) % len(attendees)].pk].append(items[title].pk)
        ptr += votes
    for i, att in enumerate(attendees):
        ctx = browser.new_context(viewport=PHONE, locale="zh-TW")
        vp = ctx.new_page()
        vp.goto(f"{base}/assemblies/{a.pk}/vote/")
        vp.locator("#id_code").fill(att.code)
        vp.locator("main form button[type=submit]").click()
        expect(vp).to_have_url(re.compile(r"/vote/ballot/$"))
        for k, item_pk in enumerate(plan[att.pk]):
            vp.locator(f"form:has(input[name=item][value='{item_pk}']) button").click()
            expect(vp.locator(".ballot-list li.voted")).to_have_count(k + 1)
        if i == 0:
            axe_check(vp)
            no_overflow(vp)
        ctx.close()

    # 6. Staff close the vote; the results page and the proposals' states show the outcome.
    page.goto(f"{base}/assemblies/{a.pk}/manage/")
    page.locator("form[action$='/step/'] button").click()
    expect(page).to_have_url(re.compile(r"/results/$"))
    rows = page.locator("table.results tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("公園加裝遮陽棚")
    expect(rows.nth(2)).to_contain_text("河濱步道照明")
    axe_check(page)
    states = {p.title: p.state for p in Proposal.objects.filter(assembly_item__assembly=a)}
    assert states == {"公園加裝遮陽棚": "assembly_passed", "通學巷道人行道": "assembly_passed",
                      "河濱步道照明": "assembly_rejected", "社區圖書角": "assembly_rejected"}
    page.goto(f"{base}/proposals/{items['河濱步道照明'].proposal_id}/")
    expect(page.locator(".state").first).to_have_class(re.compile("state-assembly_rejected"))

    # Public pages: list, projector and the briefing (anonymous), all without WCAG A/AA violations.
    anon = browser.new_context(locale="zh-TW").new_page()
    for path in ("/assemblies/", f"/assemblies/{a.pk}/", f"/assemblies/{a.pk}/results/", f"/assemblies/{a.pk}/screen/",
                 f"/assemblies/{a.pk}/vote/"):
        anon.goto(f"{base}{path}")
        axe_check(anon)
