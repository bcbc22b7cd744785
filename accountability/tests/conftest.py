import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pbcity import agenda
from tracking.tests.factories import TrackingCast

FAKE = "test.disputed"


class FakeSource:
    """A source like tracking's "tracking.change": one disputed change waiting; records each decide call."""

    def __init__(self):
        self.waiting_refs = []
        self.calls = []
        self.refuse = None  # a message: the handler refuses with it
        self.project = None

    def waiting(self, *, cycle=None):
        return [agenda.AgendaCandidate(
            source=FAKE, ref=ref, title=f"日期變更爭議 {ref}", reason="提案人不同意", url="/x/",
            project_id=self.project.pk if self.project else None,
            proposal_id=self.project.proposal_id if self.project else None,
            agency_ids=(self.project.lead_agency_id,) if self.project else ()) for ref in self.waiting_refs]

    def decide(self, **kwargs):
        from accountability.models import Decision

        # The handler sees the meeting's decision row of the same transaction (it is called from a meeting).
        kwargs["decision_row_exists"] = Decision.objects.filter(item_id=kwargs["meeting_item_id"]).exists()
        self.calls.append(kwargs)
        if self.refuse:
            raise ValidationError(self.refuse)
        self.waiting_refs = [r for r in self.waiting_refs if r != kwargs["ref"]]


@pytest.fixture
def fake_source():
    src = FakeSource()
    agenda.register(FAKE, label="爭議變更", waiting=src.waiting,
                    decisions=(("approve", "核准"), ("return", "退回機關")), decide=src.decide)
    yield src
    agenda._registry.pop(FAKE, None)


@pytest.fixture
def cast(district, other_district):
    return TrackingCast(district, other_district)


@pytest.fixture
def project(cast, cycle):
    return cast.executing(cycle)


@pytest.fixture
def today():
    return timezone.localdate()


def days(n) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; the translations have their own test (test_views)."""
    from django.utils import translation

    translation.activate("en")
    yield

