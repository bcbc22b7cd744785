"""The review workshop in the browser.

First half (pre-meeting and stage 1): the district office convenes the pre-meeting, records who came
and designates the agencies for its whole agenda on one screen; the lead agency, notified, enters its
stage-1 opinion; the proposer revises the plan and the proposal page shows the revision as a diff.
Every new page passes axe-core in zh-Hant and in English. The second half (the draw and the scoring)
continues from `workshop_first_half`.
"""
import pytest
from playwright.sync_api import expect

from deliberation import services as deliberation_services
from pbcity.models import Notification
from pbcity.roles import Role
from pbcity.tests.factories import AgencyFactory, CycleFactory, DistrictFactory, UserFactory, staff
from proposals import services as proposal_services
from proposals.models import Proposal

pytestmark = pytest.mark.django_db(transaction=True)


def _passed_proposal(cycle, district, office, proposer, title):
    p = proposal_services.proposal_create(
        actor=office, cycle=cycle, district=district, title=title, problem="午後遊戲場沒有遮蔭。",
        solution="於遊戲場增設遮陽棚兩座。", category="parks", location="和平公園", estimated_cost=800000,
        proposers=[proposer],
    )
    return proposal_services.proposal_transition(proposal=p, actor=office, transition_name="pass_assembly",
                                                 reason="住民大會過半數支持，排名第一")


def workshop_first_half(page, live_server, login, axe_check, use_language) -> dict:
    """Run the pre-meeting and stage 1 in the browser; return the people and the proposal."""
    from training.models import Expert

    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    cycle = CycleFactory(year=2026)
    parks = AgencyFactory(code="parks", name="公園路燈工程管理處", name_en="Parks Office")
    transport = AgencyFactory(code="transport", name="交通局", name_en="Transportation")
    office = staff(Role.DISTRICT_OFFICE, district=daan)
    parks_staff = staff(Role.AGENCY, agency=parks)
    civil = staff(Role.CIVIL_AFFAIRS)
    proposer = UserFactory(name="林小姐", email="lin@example.tw")
    Expert.objects.create(name="陳教授", affiliation="臺灣大學建築與城鄉研究所")
    deliberation_services.principles_save(cycle=cycle, actor=civil, text="公園綠地由公園處主辦。")
    proposal = _passed_proposal(cycle, daan, office, proposer, "和平公園增設遮陽棚")

    # The office convenes the pre-meeting.
    login(office)
    page.goto(live_server.url + "/deliberation/")
    axe_check(page)
    page.get_by_role("link", name="召開會前會").click()
    axe_check(page)
    page.fill("#id_held_on", "2026-05-12")
    page.fill("#id_venue", "大安區公所 3 樓會議室")
    page.get_by_role("button", name="召開").click()
    expect(page.locator("h1")).to_contain_text("會前會")
    expect(page.locator("aside")).to_contain_text("公園綠地由公園處主辦。")  # principles beside the meeting
    axe_check(page)

    # Attendance and minutes, then the whole agenda designated on one screen.
    page.get_by_label("公園路燈工程管理處").first.check()
    page.get_by_label("交通局").first.check()
    page.fill("#id_minutes", "逐案討論權責分工。")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("逐案討論權責分工。")
    page.select_option(f"#id_lead_{proposal.pk}", str(parks.pk))
    page.select_option(f"#id_co_{proposal.pk}", [str(transport.pk)])
    page.fill("#id_reason", "依年度指定原則")
    page.get_by_role("button", name="指定", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已為 1 案指定機關")
    assert Notification.objects.filter(recipient=parks_staff).exists()

    # To the workshop; the office plans the stage-1 session and invites the expert.
    page.goto(live_server.url + proposal.get_absolute_url())
    page.fill("#reason-send_to_workshop", "進入提案審議工作坊")
    page.locator("form:has(#reason-send_to_workshop) button[type=submit]").click()
    page.goto(live_server.url + "/deliberation/sessions/new/")
    axe_check(page)
    page.fill("#id_starts_at", "2026-06-08T14:00")
    page.fill("#id_venue", "大安區公所 10 樓禮堂")
    page.get_by_label("陳教授").check()
    page.get_by_role("button", name="規劃場次").click()
    expect(page.locator("h1")).to_contain_text("第一階段場次")
    session_url = page.url
    axe_check(page)

    # The lead agency finds the proposal in its queue and enters its opinion.
    login(parks_staff)
    page.goto(live_server.url + "/proposals/queue/")
    expect(page.locator("main")).to_contain_text("和平公園增設遮陽棚")
    page.goto(session_url)
    form = page.locator(f"form[action$='/proposals/{proposal.pk}/opinion/']")
    form.get_by_label("貴機關").select_option(str(parks.pk))
    form.get_by_label("修正後可行").check()
    form.get_by_label("理由").fill("原位置位於管線上方。")
    form.get_by_label("修正或替代方案").fill("改設於東側入口旁。")
    form.get_by_label("經費估算（新臺幣）").fill("650000")
    form.get_by_role("button", name="記錄意見").click()
    expect(page.locator("main")).to_contain_text("改設於東側入口旁。")
    axe_check(page)
    page.goto(live_server.url + f"/deliberation/proposals/{proposal.pk}/")
    axe_check(page)

    # The proposer revises the plan; the proposal page shows the revision as a diff.
    login(proposer)
    page.goto(live_server.url + proposal.get_absolute_url())
    page.get_by_role("link", name="修訂提案內容").click()
    page.fill("#id_solution", "於公園東側入口旁增設遮陽棚兩座。")
    page.fill("#id_note", "依公園處意見調整位置")
    page.locator("main form button[type=submit]").click()
    diff = page.locator(".revision-diffs")
    expect(diff).to_contain_text("依公園處意見調整位置")
    expect(diff.locator("ins").first).to_contain_text("公園東側入口旁")
    axe_check(page)

    # Every new page in English too (staff pages as the office, the keeper's pages as civil affairs).
    use_language("en")
    login(office)
    from deliberation.models import PreMeeting

    pm = PreMeeting.objects.get()
    for url in ("/deliberation/", f"/deliberation/premeetings/{pm.pk}/", "/deliberation/premeetings/new/",
                "/deliberation/sessions/new/", session_url, f"/deliberation/proposals/{proposal.pk}/",
                proposal.get_absolute_url()):
        page.goto(url if url.startswith("http") else live_server.url + url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        axe_check(page)
    login(civil)
    for lang in ("en", "zh-hant"):
        use_language(lang)
        for url in (f"/deliberation/cycles/{cycle.year}/principles/",
                    f"/deliberation/cycles/{cycle.year}/exclusions/"):
            page.goto(live_server.url + url)
            axe_check(page)
    use_language("zh-hant")
    return {"cycle": cycle, "district": daan, "office": office, "proposal": Proposal.objects.get(pk=proposal.pk),
            "parks": parks, "parks_staff": parks_staff, "proposer": proposer, "civil": civil,
            "session_url": session_url}


def test_premeeting_and_stage_one(page, live_server, login, axe_check, use_language):
    out = workshop_first_half(page, live_server, login, axe_check, use_language)
    p = out["proposal"]
    assert p.state == "in_workshop" and p.lead_agency == out["parks"]
    assert p.revisions.count() == 2


# -- second half: the citizen review panel (stage 2) ------------------------------------------------

def _panel_world(cycle, district, office, proposal):
    """Card holders, last year's proposers elsewhere and two committee members, through the services."""
    from pbcity.tests.factories import CycleFactory as _Cycle
    from training.tests.factories import card_holder

    elsewhere = DistrictFactory(code="wenshan", name="文山區", name_en="Wenshan")
    previous = _Cycle(year=cycle.year - 1)
    other_office = staff(Role.DISTRICT_OFFICE, district=elsewhere)
    for i in range(3):
        user = UserFactory(name=f"去年提案人{i}", home_district=elsewhere)
        proposal_services.proposal_create(
            actor=other_office, cycle=previous, district=elsewhere, title=f"文山區去年提案 {i}", problem="p",
            solution="s", category="parks", proposers=[user])
    for i in range(6):
        card_holder("basic", name=f"初階市民{i}")
    for i in range(3):
        card_holder("advanced", name=f"進階市民{i}")
    return {
        "host": staff(Role.COMMITTEE), "co_host": staff(Role.COMMITTEE),
        "deliberator": card_holder("deliberation", name="審議員 周先生"),
    }


def test_panel_draw_scoring_and_outcome(page, live_server, login, axe_check, use_language, no_overflow):
    """The office plans the panel; civil affairs appoints the hosts; the office publishes the commitment
    and runs the draw; members score on a 390×844 phone; the host closes; the outcome shows on the
    proposal page. axe-core on every new page in zh-Hant and English."""
    from deliberation.models import PanelSeat, ReviewPanel

    daan = DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    cycle = CycleFactory(year=2026)
    parks = AgencyFactory(code="parks", name="公園路燈工程管理處", name_en="Parks Office")
    office = staff(Role.DISTRICT_OFFICE, district=daan)
    civil = staff(Role.CIVIL_AFFAIRS)
    proposer = UserFactory(name="林小姐", email="lin@example.tw")
    proposal = _passed_proposal(cycle, daan, office, proposer, "和平公園增設遮陽棚")
    proposal_services.proposal_designate_agencies(proposal=proposal, actor=office, lead=parks, reason="會前會指定")
    proposal_services.proposal_transition(proposal=proposal, actor=office, transition_name="send_to_workshop",
                                          reason="進入提案審議工作坊")
    people = _panel_world(cycle, daan, office, proposal)

    # The office plans the panel (in a place and online).
    login(office)
    page.goto(live_server.url + "/deliberation/panels/")
    axe_check(page)
    page.get_by_role("link", name="規劃審議團").click()
    axe_check(page)
    page.fill("#id_starts_at", "2026-06-27T14:00")
    page.fill("#id_venue", "大安區公所 10 樓禮堂")
    page.fill("#id_online_url", "https://meet.example.tw/daan-panel")
    page.get_by_role("button", name="規劃審議團").click()
    expect(page.locator("h1")).to_contain_text("公民審議團")
    panel_url = page.url
    panel = ReviewPanel.objects.get()

    # Civil affairs appoints the host, co-host and vice-host.
    login(civil)
    page.goto(panel_url)
    axe_check(page)
    page.select_option("#id_host", str(people["host"].pk))
    page.select_option("#id_co_host", str(people["co_host"].pk))
    page.select_option("#id_deliberator", str(people["deliberator"].pk))
    page.get_by_role("button", name="推派", exact=True).click()
    expect(page.locator("main")).to_contain_text("審議員 周先生")

    # The office publishes the commitment, then enters the lottery's numbers.
    login(office)
    page.goto(panel_url)
    page.fill("#id_randomness_source", "台灣彩券大樂透 2026-06-25 開獎號碼（由小到大，以逗號分隔）")
    page.fill("#id_randomness_date", "2026-06-25")
    page.get_by_role("button", name="公布承諾值").click()
    panel.refresh_from_db()
    expect(page.locator("code.hash")).to_have_text(panel.commitment.sha256)
    axe_check(page)
    page.fill("#id_random_value", "03,11,19,27,38,42")
    page.get_by_role("button", name="執行抽籤").click()
    expect(page.locator(".messages")).to_contain_text("審議團已抽出")
    expect(page.get_by_role("link", name="抽籤結果（JSON，含備取名單與機率）")).to_be_visible()
    assert PanelSeat.objects.filter(panel=panel).count() == 12
    axe_check(page)

    # The host opens scoring.
    login(people["host"])
    page.goto(panel_url)
    page.get_by_role("button", name="開始評分").click()
    expect(page.locator(".messages")).to_contain_text("評分已開始")
    axe_check(page)

    # Members score on their phones: green/yellow from two in the browser, the rest as the service would.
    page.set_viewport_size({"width": 390, "height": 844})
    scorers = [s.user for s in PanelSeat.objects.filter(panel=panel, status="seated").order_by("id") if s.is_scoring]
    for i, member in enumerate(scorers[:2]):
        login(member)
        page.goto(panel_url)
        page.get_by_role("link", name="為提案評分").click()
        if i == 0:
            axe_check(page)
            no_overflow(page)
        page.check(f"#id_p{proposal.pk}-publicness_0")  # green
        page.check(f"#id_p{proposal.pk}-legality_1")  # yellow
        page.check(f"#id_p{proposal.pk}-budget_0")
        page.fill(f"#id_p{proposal.pk}-note", "建議加入無障礙設計。")
        page.get_by_role("button", name="送出我的燈號").click()
        expect(page.locator(".messages")).to_contain_text("燈號已記錄")
        expect(page.locator(".score-card")).to_contain_text("您的燈號")
        if i == 0:
            axe_check(page)
            no_overflow(page)
            use_language("en")  # the score page in English too
            page.reload()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            axe_check(page)
            no_overflow(page)
            use_language("zh-hant")
    for member in scorers[2:]:
        deliberation_services.score_submit(panel=panel, actor=member, proposal=proposal, publicness="green",
                                           legality="yellow", budget="yellow")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The host closes scoring; the proposal page shows the panel's lights and the outcome.
    login(people["host"])
    page.goto(panel_url)
    page.get_by_role("button", name="結束評分並記錄結果").click()
    expect(page.locator(".messages")).to_contain_text("評分已結束")
    axe_check(page)
    page.goto(live_server.url + proposal.get_absolute_url())
    expect(page.locator("#panel-h")).to_be_visible()
    expect(page.locator("main")).to_contain_text("進入票選。")
    expect(page.locator("main")).to_contain_text("審議通過")
    axe_check(page)

    # English: every new page once more (staff pages as the office, the score page as a member earlier).
    use_language("en")
    login(office)
    for url in ("/deliberation/panels/", "/deliberation/panels/new/", panel_url, proposal.get_absolute_url()):
        page.goto(url if url.startswith("http") else live_server.url + url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        axe_check(page)
    assert Proposal.objects.get(pk=proposal.pk).state == "review_passed"


def test_side_track_pages_are_accessible(page, live_server, login, axe_check, use_language):
    """The side-track forms (contest, contact, direct execution, exclusion, assessment) pass axe-core."""
    from proposals.states import State
    from proposals.tests.lifecycle_helpers import Cast

    cycle = CycleFactory(year=2026)
    cast = Cast(DistrictFactory(code="daan", name="大安區", name_en="Da'an"),
                DistrictFactory(code="beitou", name="北投區", name_en="Beitou"))
    deliberation_services.exclusion_category_save(cycle=cycle, actor=cast["civil"], name="人事費用",
                                                  name_en="Personnel costs", explanation="不支應人事費用。")
    assigned = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    assessing = cast.walk(cycle, State.IN_ASSESSMENT)
    contest = deliberation_services.contest_raise(proposal=assigned, actor=cast["co_agency"],
                                                  agency=cast.co_agency, reason="非本局業務")
    for lang in ("zh-hant", "en"):
        use_language(lang)
        for who, url, form in (
            ("lead", f"/deliberation/proposals/{assigned.pk}/", "direct-execution/"),
            ("lead", f"/deliberation/proposals/{assessing.pk}/", "assessment/"),
            ("district", f"/deliberation/proposals/{assigned.pk}/", f"/contests/{contest.pk}/decide/"),
            ("district", f"/deliberation/proposals/{assigned.pk}/", "exclude/"),
        ):
            login(cast[who])
            page.goto(live_server.url + url)
            expect(page.locator(f"form[action$='{form}']")).to_have_count(1)
            axe_check(page)
