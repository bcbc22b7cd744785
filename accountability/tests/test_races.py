"""Members at once: one decision per item and one handler call; no decision slips in after the minutes;
one outcome per opposition. The writers queue on advisory locks and meet the unique indexes."""
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accountability import services
from accountability.models import Decision, MeetingItem, OppositionStep
from pbcity.roles import Role
from pbcity.tests.factories import staff

from .conftest import FAKE

pytestmark = pytest.mark.django_db(transaction=True)


def _all_at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = calls[i]()
        except (ValidationError, PermissionDenied) as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _meeting(cast, cycle):
    return services.meeting_plan(actor=cast["committee"], cycle=cycle, title="會議", held_on=timezone.localdate(),
                                 place="市府")


def test_two_members_decide_one_item_at_once(cast, cycle, fake_source):
    assert connection.vendor == "postgresql"
    fake_source.waiting_refs = ["7"]
    item = _meeting(cast, cycle).items.get(source=FAKE)
    members = [cast["committee"], staff(Role.COMMITTEE), staff(Role.COMMITTEE), staff(Role.COMMITTEE)]
    outcomes = _all_at_once([
        (lambda m=m: services.item_decide(item=MeetingItem.objects.get(pk=item.pk), actor=m, code="approve",
                                          reason="同意")) for m in members])
    assert Decision.objects.filter(item=item).count() == 1
    assert len(fake_source.calls) == 1
    assert sum(isinstance(o, Decision) for o in outcomes) == 1
    # (threads read in the default language)
    assert all(isinstance(o, Decision) or "本案已作成決議" in str(o) for o in outcomes)


def test_no_decision_after_the_minutes(cast, cycle, project):
    meeting = _meeting(cast, cycle)
    items = [services.meeting_item_add(meeting=meeting, actor=cast["committee"], title=f"案{i}", project=project)
             for i in range(4)]
    calls = [lambda: services.minutes_record(meeting=meeting, actor=cast["committee"], text="紀錄")]
    calls += [(lambda i=i: services.item_decide(item=MeetingItem.objects.select_related("meeting").get(pk=i.pk),
                                                actor=cast["committee"], code="noted", reason="洽悉"))
              for i in items]
    _all_at_once(calls)
    closed_at = meeting.__class__.objects.get(pk=meeting.pk).minutes.recorded_at
    assert not Decision.objects.filter(item__meeting=meeting, decided_at__gt=closed_at).exists()


def test_two_outcomes_at_once_leave_one(cast, project):
    o = services.opposition_record(project=project, actor=cast["district"], summary="反對", details="連署")
    services.opposition_step_record(opposition=o, actor=cast["district"], kind="meeting", text="協調會",
                                    held_on=timezone.localdate())
    outcomes = _all_at_once([
        lambda: services.opposition_step_record(opposition=o, actor=cast["district"], kind="outcome",
                                                outcome="continue", text="繼續"),
        lambda: services.opposition_step_record(opposition=o, actor=cast["lead"], kind="outcome",
                                                outcome="close_early", text="提早結案"),
    ])
    assert OppositionStep.objects.filter(opposition=o, kind="outcome").count() == 1
    assert sum(isinstance(x, ValidationError) for x in outcomes) == 1
