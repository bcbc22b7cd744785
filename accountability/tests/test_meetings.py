"""The committee's meetings: the agenda from the sources, decisions handed to their source, follow-ups."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accountability import selectors, services
from accountability.models import Decision, FollowUpReport, MeetingItem
from accountability.sources import FOLLOWUP
from pbcity.models import Notification

from .conftest import FAKE, days

pytestmark = pytest.mark.django_db


def _meeting(cast, cycle, held_on, title="第1次參與預算組會議"):
    return services.meeting_plan(actor=cast["committee"], cycle=cycle, title=title, held_on=held_on,
                                 place="市政大樓")


def _item(meeting, source=FAKE):
    return MeetingItem.objects.get(meeting=meeting, source=source)


def test_the_agenda_holds_a_waiting_candidate_once(cast, cycle, project, fake_source, today):
    fake_source.project = project
    fake_source.waiting_refs = ["7"]
    meeting = _meeting(cast, cycle, today)
    item = _item(meeting)
    assert (item.ref, item.title, item.project_id, item.agency_ids) == ("7", "日期變更爭議 7", project.pk,
                                                                        [project.lead_agency_id])
    fake_source.waiting_refs = ["7", "8"]
    added = services.meeting_agenda_refresh(meeting=meeting, actor=cast["committee"])
    assert [i.ref for i in added] == ["8"]
    assert [i.position for i in meeting.items.all()] == [1, 2]


def test_agencies_named_by_the_agenda_are_invited(cast, cycle, project, fake_source, today,
                                                  django_capture_on_commit_callbacks):
    fake_source.project = project
    fake_source.waiting_refs = ["7"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(cast, cycle, today)
    invited = Notification.objects.filter(key__startswith=f"meeting-invite:{meeting.pk}:")
    assert {n.recipient for n in invited} == {cast["lead"]}
    assert cast["other_agency"] not in {n.recipient for n in Notification.objects.all()}


def test_deciding_an_item_calls_its_source_in_the_same_transaction(cast, cycle, project, fake_source, today):
    fake_source.waiting_refs = ["7"]
    item = _item(_meeting(cast, cycle, today))
    due = today + days(30)
    decision = services.item_decide(item=item, actor=cast["committee"], code="return", reason="請機關再與提案人溝通",
                                    due=due, agencies=[project.lead_agency])
    assert fake_source.calls == [{
        "ref": "7", "decision": "return", "reason": "請機關再與提案人溝通", "by": cast["committee"],
        "meeting_item_id": item.pk, "due": due, "agencies": (project.lead_agency_id,), "decision_row_exists": True,
    }]
    assert (decision.label, decision.agency_ids) == ("退回機關", [project.lead_agency_id])
    with pytest.raises(ValidationError, match="already been decided"):
        services.item_decide(item=item, actor=cast["committee"], code="approve", reason="再決一次")
    assert len(fake_source.calls) == 1


def test_a_refusal_from_the_source_leaves_nothing_recorded(cast, cycle, fake_source, today):
    fake_source.waiting_refs = ["7"]
    item = _item(_meeting(cast, cycle, today))
    fake_source.refuse = "提案人尚未同意結案"
    with pytest.raises(ValidationError, match="提案人尚未同意結案"):
        services.item_decide(item=item, actor=cast["committee"], code="approve", reason="同意結案")
    assert not Decision.objects.exists()
    fake_source.refuse = None
    services.item_decide(item=item, actor=cast["committee"], code="approve", reason="同意結案")
    assert Decision.objects.get().item == item


@pytest.mark.parametrize("code, due_days, match", [
    ("close", None, "Choose one of the decisions"),
    ("approve", 0, "must come after the meeting"),
])
def test_a_decision_must_be_one_the_source_offers_with_a_later_date(cast, cycle, fake_source, today, code,
                                                                    due_days, match):
    fake_source.waiting_refs = ["7"]
    item = _item(_meeting(cast, cycle, today))
    due = today + days(due_days) if due_days is not None else None
    with pytest.raises(ValidationError, match=match):
        services.item_decide(item=item, actor=cast["committee"], code=code, reason="r", due=due)
    assert fake_source.calls == []


def test_decisions_are_taken_at_the_meeting_and_stop_with_its_minutes(cast, cycle, fake_source, today):
    fake_source.waiting_refs = ["7", "8"]
    meeting = _meeting(cast, cycle, today + days(3))
    with pytest.raises(ValidationError, match="from its date on"):
        services.item_decide(item=meeting.items.get(ref="7"), actor=cast["committee"], code="approve", reason="r")
    with pytest.raises(ValidationError, match="once the meeting has taken place"):
        services.minutes_record(meeting=meeting, actor=cast["committee"], text="會議紀錄")
    later = today + days(3)
    services.item_decide(item=meeting.items.get(ref="7"), actor=cast["committee"], code="approve", reason="r",
                         today=later)
    services.minutes_record(meeting=meeting, actor=cast["committee"], text="會議紀錄", today=later)
    with pytest.raises(PermissionDenied, match="not yet closed"):
        services.item_decide(item=MeetingItem.objects.get(meeting=meeting, ref="8"), actor=cast["committee"],
                             code="approve", reason="r", today=later)
    with pytest.raises(ValidationError, match="no more decisions"):  # a page opened before the minutes
        services.item_decide(item=meeting.items.get(ref="8"), actor=cast["committee"], code="approve", reason="r",
                             today=later)
    assert fake_source.calls[0]["ref"] == "7" and len(fake_source.calls) == 1


def test_a_member_adds_an_item_by_hand(cast, cycle, project, today):
    meeting = _meeting(cast, cycle, today)
    item = services.meeting_item_add(meeting=meeting, actor=cast["committee"], title="跨局處協調：遮陽棚與人行道",
                                     reason="公園處與新工處", project=project)
    assert item.by_hand and item.agency_ids == [project.lead_agency_id]
    d = services.item_decide(item=item, actor=cast["committee"], code="coordinate", reason="兩局處協調",
                             due=today + days(14))
    assert d.label == "Agencies coordinate by a date"
    with pytest.raises(PermissionDenied, match="Only committee members"):
        services.meeting_item_add(meeting=meeting, actor=cast["lead"], title="x")


def test_an_overdue_follow_up_is_on_the_next_agenda_until_closed(cast, cycle, project, today):
    first = _meeting(cast, cycle, today - days(20))
    item = services.meeting_item_add(meeting=first, actor=cast["committee"], title="人行道協調", project=project)
    d = services.item_decide(item=item, actor=cast["committee"], code="coordinate", reason="協調",
                             due=today - days(5), agencies=[project.lead_agency])
    services.minutes_record(meeting=first, actor=cast["committee"], text="紀錄")
    second = _meeting(cast, cycle, today, title="第2次")
    follow = second.items.get(source=FOLLOWUP)
    assert (follow.ref, follow.project_id, follow.agency_ids) == (str(d.pk), project.pk, [project.lead_agency_id])
    assert "人行道協調" in follow.title
    # Not yet due: not on an agenda.
    d_later = services.item_decide(item=services.meeting_item_add(meeting=second, actor=cast["committee"],
                                                                  title="另一案", project=project),
                                   actor=cast["committee"], code="coordinate", reason="r", due=today + days(10))
    # The agency reports it done: it leaves the agenda.
    FollowUpReport.objects.create(decision=d, text="已完成", done=True, agency=project.lead_agency,
                                  reported_by=cast["lead"])
    assert not [c for c in selectors.candidates_not_on_agenda(meeting=first) if c.source == FOLLOWUP]
    assert d_later.pk not in {int(c.ref) for c in selectors.candidates_not_on_agenda(meeting=first)
                              if c.source == FOLLOWUP}


def test_the_committee_extends_a_follow_up_by_deciding_it(cast, cycle, project, today):
    first = _meeting(cast, cycle, today - days(20))
    item = services.meeting_item_add(meeting=first, actor=cast["committee"], title="人行道協調", project=project)
    services.item_decide(item=item, actor=cast["committee"], code="coordinate", reason="協調", due=today - days(5))
    second = _meeting(cast, cycle, today, title="第2次")
    follow = second.items.get(source=FOLLOWUP)
    services.item_decide(item=follow, actor=cast["committee"], code="extend", reason="展延", due=today + days(30))
    waiting = [c for c in selectors.candidates_not_on_agenda(meeting=first) if c.source == FOLLOWUP]
    assert waiting == []  # the old follow-up is superseded; the new one is not due yet


def test_only_the_named_agency_reports_on_a_follow_up(cast, cycle, project, today):
    meeting = _meeting(cast, cycle, today)
    item = services.meeting_item_add(meeting=meeting, actor=cast["committee"], title="x", project=project)
    d = services.item_decide(item=item, actor=cast["committee"], code="coordinate", reason="r", due=today + days(9))
    with pytest.raises(PermissionDenied, match="Only the agencies"):
        services.followup_report(decision=d, actor=cast["co_agency"], agency=project.co_agencies.first(), text="x")
    r = services.followup_report(decision=d, actor=cast["lead"], agency=project.lead_agency, text="完成", done=True)
    assert r.done and d.pk not in {x.pk for x in selectors.followups_due()}


def test_a_meeting_decision_is_the_only_caller_of_a_source_handler():
    """Closure is approved only at a meeting: no code but item_decide calls an agenda source's `decide`."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    callers = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] in (".venv", "node_modules") or "tests" in rel.parts or "migrations" in rel.parts:
            continue
        # The handler's arguments are keyword-only and start with `ref`: every call to one reads `.decide(ref=`.
        if re.search(r"\.decide\(\s*ref\s*=", path.read_text(encoding="utf-8", errors="ignore")):
            callers.append(str(rel))
    assert callers == ["accountability/services.py"]
