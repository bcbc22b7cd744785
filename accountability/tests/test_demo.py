import pytest
from django.core.management import call_command

from accountability.demo import HELD, NEXT
from accountability.models import Decision, Hearing, HearingRecord, Meeting, Minutes, Opposition, OppositionStep
from accountability.sources import FOLLOWUP, OPPOSITION

from .conftest import FAKE


@pytest.mark.django_db
def test_demo_holds_a_meeting_with_decisions_a_hearing_and_an_opposition_and_is_idempotent(client, fake_source):
    # A registered source (as tracking's will be after the merge) with two items waiting.
    fake_source.waiting_refs = ["1", "2"]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    held = Meeting.objects.get(title=HELD, minutes__isnull=False)
    assert [c["ref"] for c in fake_source.calls] == ["1"]  # one item per source decided at the held meeting
    assert Decision.objects.filter(item__meeting=held, item__source=FAKE, code="approve").exists()
    assert Decision.objects.filter(item__meeting=held, item__source="").exists()  # the hand-added item
    assert HearingRecord.objects.exists() and Hearing.objects.filter(record__isnull=True).exists()
    assert OppositionStep.objects.filter(outcome="close_early").exists()
    upcoming = Meeting.objects.get(title=NEXT, minutes__isnull=True)
    assert set(upcoming.items.values_list("source", flat=True)) >= {FOLLOWUP, OPPOSITION, FAKE}
    assert upcoming.items.get(source=FAKE).ref == "2"
    counts = [m.objects.count() for m in (Meeting, Decision, Hearing, Opposition, Minutes)]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert [m.objects.count() for m in (Meeting, Decision, Hearing, Opposition, Minutes)] == counts
    assert "會議紀錄" in client.get(f"/accountability/minutes/{held.pk}/").content.decode()
