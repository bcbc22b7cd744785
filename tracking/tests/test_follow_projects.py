"""Following a project: milestone progress and quarterly reports reach followers, each in their chosen way."""
import pytest
from django.core import mail

from pbcity import services as pb
from pbcity.models import Notification
from pbcity.tests.factories import UserFactory
from tracking import reports, services

Q = "2026Q4"


@pytest.mark.django_db
def test_followers_hear_of_milestone_updates_once_per_update(client, cast, project,
                                                             django_capture_on_commit_callbacks):
    m = cast.milestone(project, "lead", title="遮陽棚設計")
    follower = UserFactory()
    client.force_login(follower)
    assert client.post(f"/follow/project/{project.pk}/").status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_update(milestone=m, actor=cast["lead"], reason="進度", percent=30)
    to = {msg.to[0]: msg for msg in mail.outbox}
    assert follower.email in to and cast.proposer.email in to
    assert "遮陽棚設計" in to[follower.email].subject and "30" in to[follower.email].subject
    note = Notification.objects.get(recipient=follower)
    assert (note.kind, note.topic) == ("project", f"project:{project.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_update(milestone=m, actor=cast["lead"], reason="進度", percent=50)
    assert Notification.objects.filter(recipient=follower).count() == 2


@pytest.mark.django_db
def test_quarterly_report_reaches_followers_and_honours_a_digest(cast, project):
    cast.milestone(project, "lead", title="遮陽棚設計", percent=40)
    follower, digest_reader = UserFactory(), UserFactory()
    for u in (follower, digest_reader):
        pb.follow_add(user=u, kind="project", target_id=project.pk)
    pb.notification_preference_set(user=digest_reader, kind="project", delivery="digest")
    mail.outbox.clear()
    reports.quarter_run(quarter=Q)
    with_pdf = {m.to[0] for m in mail.outbox if m.attachments}
    assert follower.email in with_pdf and cast.proposer.email in with_pdf
    assert digest_reader.email not in {m.to[0] for m in mail.outbox}  # waits for the digest
    assert Notification.objects.get(recipient=digest_reader).delivery == "digest"


@pytest.mark.django_db
def test_follow_button_on_the_project_page(client, cast, project):
    client.force_login(UserFactory())
    assert f'action="/follow/project/{project.pk}/"' in client.get(project.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_difficulty_stays_immediate_for_a_digest_reader_and_groups_under_its_project(
        cast, project, django_capture_on_commit_callbacks):
    committee = cast["committee"]
    pb.notification_preference_set(user=committee, kind="project", delivery="digest")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.difficulty_raise(project=project, actor=cast["lead"], kind="dispute", summary="鄰里意見分歧",
                                  details="部分居民擔心噪音")
    note = Notification.objects.get(recipient=committee, key__startswith="difficulty:")
    assert (note.kind, note.delivery, note.topic) == ("work", "immediate", f"project:{project.pk}")
    assert [m for m in mail.outbox if m.to == [committee.email]]
