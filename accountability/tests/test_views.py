"""The pages: the committee's desk, deciding from the agenda (and a refusal shown), public minutes, panels."""
import pytest
from django.utils import timezone, translation

from accountability import services
from accountability.models import Decision, Hearing

from .conftest import FAKE

pytestmark = pytest.mark.django_db


def _meeting(cast, cycle):
    return services.meeting_plan(actor=cast["committee"], cycle=cycle, title="第3次參與預算組會議",
                                 held_on=timezone.localdate(), place="市政大樓")


def test_a_member_plans_a_meeting_and_its_agenda_shows_the_candidate(client, cast, cycle, fake_source):
    fake_source.waiting_refs = ["7"]
    client.force_login(cast["committee"])
    resp = client.post("/accountability/meetings/", {
        "meeting-cycle": cycle.pk, "meeting-title": "第3次會議", "meeting-held_on": timezone.localdate().isoformat(),
        "meeting-place": "市政大樓"})
    assert resp.status_code == 302
    page = client.get(resp["Location"])
    assert "日期變更爭議 7" in page.content.decode()


def test_deciding_from_the_page_and_a_refusal_shown_with_what_was_entered(client, cast, cycle, fake_source):
    fake_source.waiting_refs = ["7"]
    meeting = _meeting(cast, cycle)
    item = meeting.items.get(source=FAKE)
    client.force_login(cast["committee"])
    fake_source.refuse = "提案人尚未同意"
    data = {f"decide-{item.pk}-code": "approve", f"decide-{item.pk}-reason": "我的理由"}
    resp = client.post(f"/accountability/items/{item.pk}/decide/", data)
    body = resp.content.decode()
    assert resp.status_code == 400 and "提案人尚未同意" in body and "我的理由" in body
    assert not Decision.objects.exists()
    fake_source.refuse = None
    assert client.post(f"/accountability/items/{item.pk}/decide/", data).status_code == 302
    assert Decision.objects.get().item == item


def test_a_refusal_reads_in_the_readers_language(client, cast, cycle, fake_source):
    fake_source.waiting_refs = ["7"]
    item = _meeting(cast, cycle).items.get(source=FAKE)
    client.force_login(cast["committee"])
    client.cookies["django_language"] = "zh-hant"
    translation.activate("zh-hant")
    resp = client.post(f"/accountability/items/{item.pk}/decide/", {
        f"decide-{item.pk}-code": "approve", f"decide-{item.pk}-reason": "理由",
        f"decide-{item.pk}-due": timezone.localdate().isoformat()})
    assert resp.status_code == 400 and "追蹤期限須晚於會議日期。" in resp.content.decode()


@pytest.mark.parametrize("who", ["resident", "lead", "councillor", "district"])
def test_the_desk_is_closed_to_others(client, cast, cycle, who):
    meeting = _meeting(cast, cycle)
    client.force_login(cast[who])
    assert client.get("/accountability/meetings/").status_code == 403
    assert client.get(f"/accountability/meetings/{meeting.pk}/").status_code == 403


def test_public_minutes_show_decisions_and_the_project_page_shows_them(client, cast, cycle, project):
    meeting = _meeting(cast, cycle)
    item = services.meeting_item_add(meeting=meeting, actor=cast["committee"], title="遮陽棚與人行道協調",
                                     project=project)
    services.item_decide(item=item, actor=cast["committee"], code="coordinate", reason="兩機關協調",
                         due=timezone.localdate() + timezone.timedelta(days=30))
    services.attendance_record(meeting=meeting, actor=cast["committee"], kind="proposer", name="王小明")
    services.minutes_record(meeting=meeting, actor=cast["committee"], text="本次會議決議如下")
    body = client.get(f"/accountability/minutes/{meeting.pk}/").content.decode()
    assert "兩機關協調" in body and "本次會議決議如下" in body
    assert "王小明" not in body  # proposers are counted, not named, in public
    assert "遮陽棚與人行道協調" in client.get(project.get_absolute_url()).content.decode()
    assert "第3次參與預算組會議" in client.get("/accountability/").content.decode()
    pdf = client.get(f"/accountability/minutes/{meeting.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_hearing_pages_and_the_organiser_records(client, cast, project):
    h = services.hearing_plan(actor=cast["district"], proposal=project.proposal, project=project,
                              kind=Hearing.Kind.CITIZEN_CAFE, title="公民咖啡館", starts_at=timezone.now(),
                              place="大安森林公園")
    assert "公民咖啡館" in client.get("/accountability/hearings/").content.decode()
    client.force_login(cast["district"])
    resp = client.post(f"/accountability/hearings/{h.pk}/record/", {
        "attendance": "25", "minutes": "居民支持", "objections": "停車問題"})
    assert resp.status_code == 302
    client.logout()
    body = client.get(f"/accountability/hearings/{h.pk}/").content.decode()
    assert "居民支持" in body and "停車問題" in body
    assert "公民咖啡館" in client.get(project.get_absolute_url()).content.decode()


def test_opposition_pages_link_the_change_request(client, cast, project):
    client.force_login(cast["lead"])
    resp = client.post(f"/accountability/projects/{project.pk}/oppositions/new/",
                       {"summary": "地方反對", "details": "里民連署"})
    assert resp.status_code == 302
    url = resp["Location"]
    client.post(f"{url}steps/", {"kind": "meeting", "held_on": timezone.localdate().isoformat(), "text": "協調會"})
    resp = client.post(f"{url}steps/", {"kind": "outcome", "outcome": "close_early", "text": "提早結案"})
    assert resp.status_code == 302
    body = client.get(url).content.decode()
    assert project.get_absolute_url() in body  # the change-request link (the project until tracking has the page)
    client.logout()
    assert client.get(url).status_code == 200


def test_the_project_panel_costs_the_same_queries_for_one_or_many_decisions(client, cast, cycle, project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = _meeting(cast, cycle)

    def decide(n):
        for i in range(n):
            item = services.meeting_item_add(meeting=meeting, actor=cast["committee"], title=f"案{i}",
                                             project=project)
            services.item_decide(item=item, actor=cast["committee"], code="noted", reason="洽悉")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(project.get_absolute_url()).status_code == 200
        return len(ctx)

    one = decide(1)
    assert decide(5) == one
