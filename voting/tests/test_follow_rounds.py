"""Following a voting round: its results reach the followers; a round being prepared cannot be followed."""
import pytest
from django.core import mail

from pbcity.models import Follow, Notification
from pbcity.tests.factories import UserFactory
from voting.models import Round
from voting.services import rounds as round_services
from voting.services import tally as tally_services

from .round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_draft_round_cannot_be_followed(client, civil, cycle, district, projects):
    r = make_round(civil, cycle, district, max_choices=2)
    client.force_login(UserFactory())
    assert client.post(f"/follow/round/{r.pk}/").status_code == 404
    round_services.round_open(round_=r, actor=civil)
    assert client.post(f"/follow/round/{r.pk}/").status_code == 302
    assert Follow.objects.filter(target_kind="round", target_id=r.pk).count() == 1


def test_followers_hear_of_the_results(client, civil, cycle, district, projects, django_capture_on_commit_callbacks):
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=2), actor=civil)
    follower = UserFactory()
    client.force_login(follower)
    page = client.get("/voting/rounds/").content.decode()
    assert f'action="/follow/round/{r.pk}/"' in page
    client.post(f"/follow/round/{r.pk}/")
    for _i in range(3):
        cast(r, verified_voter(cycle, district), projects[:2])
    r = close(r, civil)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    assert Round.objects.get(pk=r.pk).status == Round.Status.TALLIED
    note = Notification.objects.get(recipient=follower, key=f"round-results:{r.pk}")
    assert note.topic == f"round:{r.pk}" and "大安區" in note.subject
    assert [m for m in mail.outbox if m.to == [follower.email]]
