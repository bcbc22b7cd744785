"""The pre-meeting, side-track and stage-1 pages: who sees what, who may post, bad input kept."""
import datetime

import pytest
from django.conf import settings

from deliberation import services
from deliberation.models import AgencyOpinion, DesignationContest
from pbcity.tests.factories import CycleFactory
from proposals import services as proposal_services
from proposals.models import Proposal
from proposals.states import ConsentKind, State

from .premeeting_fixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


PAGES_FOR_OFFICE_ONLY = ["/deliberation/premeetings/new/", "/deliberation/sessions/new/"]


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("resident", 403), ("district", 200),
                                         ("district_no_mfa", 302), ("lead", 403), ("civil", 403)])
def test_convening_pages_are_for_district_offices(client, cast, cycle, who, status):
    for url in PAGES_FOR_OFFICE_ONLY:
        assert _as(client, cast[who]).get(url).status_code == status, url


def test_public_pages_render_for_everyone(client, cast, cycle, premeeting, session, assigned):
    urls = ["/deliberation/", f"/deliberation/premeetings/{premeeting.pk}/", f"/deliberation/sessions/{session.pk}/",
            f"/deliberation/cycles/{cycle.year}/principles/", f"/deliberation/cycles/{cycle.year}/exclusions/",
            f"/deliberation/proposals/{assigned.pk}/"]
    for who in ("anonymous", "resident", "district", "lead", "committee", "civil"):
        for url in urls:
            assert _as(client, cast[who]).get(url).status_code == 200, (who, url)
    assert client.get("/deliberation/premeetings/999999/").status_code == 404
    assert client.get("/deliberation/?cycle=1999").status_code == 404
    draft = cast.walk(cycle, State.DRAFT)
    assert _as(client, None).get(f"/deliberation/proposals/{draft.pk}/").status_code == 404


def test_pages_in_both_languages(client, cast, premeeting, assigned):
    url = f"/deliberation/premeetings/{premeeting.pk}/"
    html = client.get(url).content.decode()
    assert 'lang="zh-Hant"' in html and "會前會" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert 'lang="en"' in html and "Pre-meeting" in html


def test_office_designates_the_agenda_on_one_screen(client, cast, premeeting, passed, third_agency):
    url = f"/deliberation/premeetings/{premeeting.pk}/"
    html = _as(client, cast["lead"]).get(url).content.decode()
    assert "/designate/" not in html
    html = _as(client, cast["district"]).get(url).content.decode()
    assert f'name="lead_{passed[0].pk}"' in html and f'name="lead_{passed[1].pk}"' in html
    # Bad input: co-agencies without a lead, and no reason. Nothing designated, choices kept.
    r = client.post(f"{url}designate/", {f"lead_{passed[0].pk}": cast.lead_agency.pk,
                                         f"co_{passed[1].pk}": third_agency.pk, "reason": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert f'<option value="{cast.lead_agency.pk}" selected>' in html
    assert Proposal.objects.filter(state=State.AGENCIES_ASSIGNED).count() == 0
    r = client.post(f"{url}designate/", {f"lead_{passed[0].pk}": cast.lead_agency.pk,
                                         f"co_{passed[0].pk}": [third_agency.pk], "reason": "依原則"})
    assert r.status_code == 302
    assert Proposal.objects.get(pk=passed[0].pk).state == State.AGENCIES_ASSIGNED
    assert Proposal.objects.get(pk=passed[1].pk).state == State.ASSEMBLY_PASSED  # left at "not yet"
    for who in ("district_other", "lead", "civil"):
        r = _as(client, cast[who]).post(f"{url}designate/", {f"lead_{passed[1].pk}": cast.lead_agency.pk,
                                                             "reason": "x"})
        assert r.status_code == 403


def test_record_attendance_and_minutes(client, cast, premeeting):
    url = f"/deliberation/premeetings/{premeeting.pk}/record/"
    assert _as(client, cast["lead"]).post(url, {"minutes": "x"}).status_code == 403
    r = _as(client, cast["district"]).post(url, {"attending_agencies": [cast.lead_agency.pk], "minutes": "逐案討論"})
    assert r.status_code == 302
    premeeting.refresh_from_db()
    assert premeeting.minutes == "逐案討論" and list(premeeting.attending_agencies.all()) == [cast.lead_agency]


def test_contest_and_decision_through_the_pages(client, cast, assigned):
    url = f"/deliberation/proposals/{assigned.pk}/"
    assert f'action="/deliberation/proposals/{assigned.pk}/contest/"' not in _as(client, cast["resident"]).get(
        url).content.decode()
    assert _as(client, cast["other_agency"]).post(f"{url}contest/", {"reason": "x"}).status_code == 403
    _as(client, cast["co_agency"])
    r = client.post(f"{url}contest/", {"agency": cast.co_agency.pk, "reason": ""})
    assert r.status_code == 400
    r = client.post(f"{url}contest/", {"agency": cast.co_agency.pk, "reason": "本案與本局無關"})
    assert r.status_code == 302
    contest = DesignationContest.objects.get()
    decide = f"/deliberation/contests/{contest.pk}/decide/"
    assert _as(client, cast["district_other"]).post(decide, {}).status_code == 403
    _as(client, cast["district"])
    r = client.post(decide, {f"c{contest.pk}-outcome": "changed", f"c{contest.pk}-reason": "改指定"})
    assert r.status_code == 400 and "改指定" in r.content.decode()  # no new lead named; reason kept
    r = client.post(decide, {f"c{contest.pk}-outcome": "kept", f"c{contest.pk}-reason": "維持"})
    assert r.status_code == 302
    # The committee sees the contest and the decision on the audit page.
    html = _as(client, cast["committee"]).get(f"/proposals/{assigned.pk}/audit/").content.decode()
    assert "本案與本局無關" in html and "維持" in html


def test_contact_log_is_shown_to_those_involved_only(client, cast, assigned):
    url = f"/deliberation/proposals/{assigned.pk}/"
    r = _as(client, cast["lead"]).post(f"{url}contacts/", {"agency": cast.lead_agency.pk,
                                                           "contacted_on": datetime.date.today().isoformat(),
                                                           "way": "phone", "summary": "與提案人王先生通話"})
    assert r.status_code == 302
    assert "與提案人王先生通話" in _as(client, cast["district"]).get(url).content.decode()
    assert "與提案人王先生通話" not in _as(client, cast["resident"]).get(url).content.decode()
    r = _as(client, cast["lead"]).post(f"{url}contacts/", {"agency": cast.lead_agency.pk, "contacted_on": "not a date",
                                                           "way": "phone", "summary": "保留此內容"})
    assert r.status_code == 400 and "保留此內容" in r.content.decode()


def test_direct_execution_page(client, cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    p.co_agencies.clear()
    cast.consent(p, ConsentKind.DIRECT_EXECUTION)
    url = f"/deliberation/proposals/{p.pk}/direct-execution/"
    assert _as(client, cast["co_agency"]).post(url, {}).status_code == 403
    _as(client, cast["lead"])
    r = client.post(url, {"budget_covers": "on", "budget_line": "維護費科目", "reason": "單純"})
    assert r.status_code == 400 and "維護費科目" in r.content.decode()
    r = client.post(url, {"budget_covers": "on", "finishable_this_year": "on", "budget_line": "維護費科目",
                          "reason": "單純"})
    assert r.status_code == 302
    assert Proposal.objects.get(pk=p.pk).state == State.DIRECT_EXECUTION


def test_exclusion_page_and_the_reason_shown_to_the_proposer(client, cast, assigned):
    cat = services.exclusion_category_save(cycle=assigned.cycle, actor=cast["civil"], name="人事費用",
                                           name_en="Personnel costs", explanation="參與式預算不支應人事費用。")
    url = f"/deliberation/proposals/{assigned.pk}/exclude/"
    assert _as(client, cast["lead"]).post(url, {"category": cat.pk, "reason": "x"}).status_code == 403
    r = _as(client, cast["district"]).post(url, {"category": "", "reason": "聘請人力"})
    assert r.status_code == 400 and "聘請人力" in r.content.decode()
    assert _as(client, cast["district"]).post(url, {"category": cat.pk, "reason": "聘請人力"}).status_code == 302
    html = _as(client, cast.proposer).get(f"/proposals/{assigned.pk}/").content.decode()
    assert "參與式預算不支應人事費用。" in html and "聘請人力" in html


def test_exclusion_categories_page_is_configured_by_civil_affairs(client, cast, cycle):
    url = f"/deliberation/cycles/{cycle.year}/exclusions/"
    data = {"name": "違反法令", "name_en": "Against the law", "explanation": "x", "active": "on"}
    assert _as(client, cast["district"]).post(url, data).status_code == 403
    assert _as(client, cast["civil"]).post(url, data).status_code == 302
    assert _as(client, cast["civil"]).post(url, {**data, "name": ""}).status_code == 400
    assert "違反法令" in _as(client, None).get(url).content.decode()


def test_principles_page(client, cast, cycle, premeeting):
    url = f"/deliberation/cycles/{cycle.year}/principles/"
    assert _as(client, cast["district"]).post(url, {"text": "x"}).status_code == 403
    assert _as(client, cast["civil"]).post(url, {"text": ""}).status_code == 400
    assert _as(client, cast["civil"]).post(url, {"text": "公園由公園處主辦"}).status_code == 302
    # Shown beside every pre-meeting.
    assert "公園由公園處主辦" in _as(client, None).get(f"/deliberation/premeetings/{premeeting.pk}/").content.decode()


def test_opinion_and_suggestion_pages(client, cast, session, in_workshop, expert):
    url = f"/deliberation/sessions/{session.pk}/proposals/{in_workshop.pk}/"
    assert _as(client, cast["other_agency"]).post(f"{url}opinion/", {}).status_code == 403
    prefix = f"o{in_workshop.pk}"
    _as(client, cast["lead"])
    r = client.post(f"{url}opinion/", {f"{prefix}-agency": cast.lead_agency.pk, f"{prefix}-verdict": "not_feasible",
                                       f"{prefix}-reasons": "管線衝突"})
    assert r.status_code == 400 and "管線衝突" in r.content.decode()
    r = client.post(f"{url}opinion/", {f"{prefix}-agency": cast.lead_agency.pk, f"{prefix}-verdict": "with_changes",
                                       f"{prefix}-reasons": "管線衝突", f"{prefix}-alternatives": "移至東側",
                                       f"{prefix}-cost_estimate": "420000"})
    assert r.status_code == 302 and AgencyOpinion.objects.count() == 1
    assert _as(client, cast["lead"]).post(f"{url}suggestion/", {}).status_code == 403
    s = f"s{in_workshop.pk}"
    r = _as(client, cast["district"]).post(f"{url}suggestion/", {f"{s}-expert": expert.pk, f"{s}-suggestion": "無障礙"})
    assert r.status_code == 302
    html = client.get(f"/deliberation/sessions/{session.pk}/").content.decode()
    assert "移至東側" in html and "無障礙" in html


def test_revision_diff_on_the_proposal_page(client, cast, in_workshop):
    proposal_services.proposal_revise(proposal=in_workshop, actor=cast.proposer, note="依機關意見調整",
                                      solution="增設遮陽棚兩座。")
    html = client.get(f"/proposals/{in_workshop.pk}/").content.decode()
    assert "<ins>" in html and "兩座" in html and "依機關意見調整" in html


def test_overdue_assessments_on_the_queue(client, cast):
    old_cycle = CycleFactory(year=2025)  # due 2025-08-31, long past
    p = cast.walk(old_cycle, State.IN_ASSESSMENT)
    for who, shown in (("committee", True), ("lead", True), ("other_agency", False)):
        html = _as(client, cast[who]).get("/proposals/queue/").content.decode()
        assert (f"/deliberation/proposals/{p.pk}/" in html) is shown, who


def test_queue_shows_owed_opinions_and_open_contests(client, cast, session, in_workshop):
    for who in ("lead", "co_agency"):
        assert f"/deliberation/proposals/{in_workshop.pk}/" in _as(client, cast[who]).get(
            "/proposals/queue/").content.decode(), who
    assert f"/deliberation/proposals/{in_workshop.pk}/" not in _as(client, cast["other_agency"]).get(
        "/proposals/queue/").content.decode()
    services.opinion_record(session=session, proposal=in_workshop, actor=cast["lead"], agency=cast.lead_agency,
                            verdict="feasible", reasons="可行")
    html = _as(client, cast["lead"]).get("/proposals/queue/").content.decode()
    assert f"/deliberation/proposals/{in_workshop.pk}/" not in html  # given: no longer owed
    services.contest_raise(proposal=in_workshop, actor=cast["co_agency"], agency=cast.co_agency, reason="非本局業務")
    assert f"/deliberation/proposals/{in_workshop.pk}/" in _as(client, cast["district"]).get(
        "/proposals/queue/").content.decode()
    assert f"/deliberation/proposals/{in_workshop.pk}/" not in _as(client, cast["district_other"]).get(
        "/proposals/queue/").content.decode()
