"""Every transition notifies the proposers once: in the inbox and by e-mail, after commit."""
import pytest
from django.core import mail

from pbcity.models import Notification
from proposals import services
from proposals.models import TransitionLog
from proposals.states import State
from proposals.tasks import transition_notify
from proposals.tests.lifecycle_helpers import Cast


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.mark.django_db
def test_transition_notifies_proposer_after_commit(cast, cycle, django_capture_on_commit_callbacks):
    p = cast.walk(cycle, State.RAISED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.proposal_transition(
            proposal=p, actor=cast["district"], transition_name="pass_assembly", reason="過半數支持"
        )
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[cast.proposer.email]]
    assert "公園增設遮陽棚" in mail.outbox[0].subject
    note = Notification.objects.get(recipient=cast.proposer, key__startswith="transition:")
    assert note.emailed_at is not None and note.url == p.get_absolute_url()


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_does_not_commit(cast, cycle, django_capture_on_commit_callbacks):
    p = cast.walk(cycle, State.RAISED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly", reason="r")
    assert len(callbacks) == 1 and mail.outbox == []


@pytest.mark.django_db
def test_task_run_twice_sends_one_email(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly", reason="r")
    log = TransitionLog.objects.filter(proposal=p).latest("id")
    mail.outbox.clear()
    transition_notify.apply(args=[log.pk])
    transition_notify.apply(args=[log.pk])
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=cast.proposer, key=f"transition:{log.pk}").count() == 1


@pytest.mark.django_db
def test_notification_speaks_the_recipients_language(cast, cycle, django_capture_on_commit_callbacks):
    cast.proposer.language = "en"
    cast.proposer.save()
    p = cast.walk(cycle, State.RAISED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly", reason="r")
    assert "Passed the assembly" in mail.outbox[0].subject


@pytest.mark.django_db
def test_inbox_lists_and_marks_read(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly", reason="r")
    transition_notify.apply(args=[TransitionLog.objects.filter(proposal=p).latest("id").pk])
    client.force_login(cast.proposer)
    page = client.get("/inbox/")
    assert "公園增設遮陽棚" in page.content.decode()
    note = Notification.objects.filter(recipient=cast.proposer).first()
    client.post(f"/inbox/{note.pk}/read/")
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_inbox_pages_and_marks_everything_read(client, resident):
    for i in range(25):
        Notification.objects.create(recipient=resident, key=f"k{i}", subject=f"通知 {i}", body="內容")
    client.force_login(resident)
    first = client.get("/inbox/").content.decode()
    assert first.count('class="badge">') >= 20 and "通知 24" in first and "通知 4<" not in first
    assert "通知 0" in client.get("/inbox/?page=2").content.decode()
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=resident, read_at__isnull=True).exists()
