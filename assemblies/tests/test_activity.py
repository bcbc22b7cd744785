"""Signing in at the district's assembly counts as taking part in its proposals (proposals.activity)."""
import datetime

import pytest
from django.utils import timezone

from assemblies.activity import attended
from assemblies.models import Attendee
from pbcity.tests.factories import UserFactory
from proposals import activity
from proposals import services as proposal_services


@pytest.mark.django_db
def test_sign_in_at_the_districts_assembly_is_activity(planned, district_staff, cycle, district):
    person = UserFactory()
    here = proposal_services.proposal_create(actor=district_staff, cycle=cycle, district=district, title="t",
                                             problem="p", solution="s", category="parks", proposers=[person])
    assert attended(user_id=person.pk, proposal_ids=[here.pk]) == {}
    Attendee.objects.create(assembly=planned, user=person, name="x", code="A1")  # registered, never came
    assert attended(user_id=person.pk, proposal_ids=[here.pk]) == {}
    when = timezone.now() - datetime.timedelta(days=3)
    Attendee.objects.filter(user=person).update(signed_in_at=when)
    assert attended(user_id=person.pk, proposal_ids=[here.pk]) == {here.pk: when}
    assert activity.last_activity(user_id=person.pk, proposal_ids=[here.pk])[here.pk] >= when
    assert "assemblies.attended" in activity.sources()
