"""Closing an assembly notifies every proposer even when one delivery fails (issue 7, item 3)."""
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assemblies import services
from pbcity.models import Notification, OutgoingMail, TaskFailure
from pbcity.tasks import mail_flush
from pbcity.tests.factories import UserFactory


@pytest.fixture
def three_proposers_voting(planned, district_staff, lead, recorder):
    people = [UserFactory(name=f"提案人{i}", email=f"proposer{i}@example.tw") for i in range(3)]
    attendees = [services.attendee_register(assembly=planned, user=u) for u in people]
    services.assembly_open(assembly=planned, actor=district_staff)
    for att in attendees:
        services.attendee_sign_in(assembly=planned, actor=district_staff, code=att.code)
    table = services.table_add(assembly=planned, actor=district_staff, number=1, lead=lead, recorder=recorder)
    services.attendee_seat(table=table, actor=district_staff, attendees=attendees)
    for i, att in enumerate(attendees):
        services.assembly_proposal_record(table=table, actor=recorder, title=f"提案 {i}", problem="問題",
                                          solution="做法", category="parks", proposers=[att])
    services.vote_open(assembly=planned, actor=district_staff)
    return planned, people


@pytest.mark.django_db(transaction=True)
def test_close_with_one_failing_delivery_still_notifies_the_others_and_redirects(
    client, three_proposers_voting, district_staff, settings
):
    a, people = three_proposers_voting
    settings.EMAIL_BACKEND = "pbcity.tests.mail_backends.RefusingBackend"
    settings.MAIL_REFUSE_TO = ["proposer1@example.tw"]
    mail.outbox.clear()
    Notification.objects.all().delete()  # the notices of the proposals being raised
    client.force_login(district_staff)
    r = client.post(reverse("assemblies:step", args=[a.pk]), {"step": "close"})
    assert r.status_code == 302 and r.url == reverse("assemblies:results", args=[a.pk])
    a.refresh_from_db()
    assert a.status == "closed"
    assert sorted(m.to[0] for m in mail.outbox) == ["proposer0@example.tw", "proposer2@example.tw"]
    # Every proposer has the inbox entry; the refused e-mail waits in the mail outbox and goes out later.
    assert Notification.objects.filter(recipient__in=people, key__startswith="transition:").count() == 3
    kept = OutgoingMail.objects.get()
    assert kept.recipients == "proposer1@example.tw" and "SMTP refused proposer1" in kept.error
    settings.MAIL_REFUSE_TO = []
    OutgoingMail.objects.update(next_attempt_at=timezone.now())  # its next try is due
    assert mail_flush() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]
    assert not OutgoingMail.objects.exists() and not TaskFailure.objects.exists()
