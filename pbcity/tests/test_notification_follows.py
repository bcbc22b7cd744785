"""Following proposals, projects and rounds: who may, what it brings, and the settings page."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from pbcity import services
from pbcity.models import Follow, Notification
from pbcity.tests.factories import UserFactory
from proposals import services as proposal_services
from proposals.models import TransitionLog
from proposals.states import State
from proposals.tasks import transition_notify
from proposals.tests.lifecycle_helpers import Cast

SIGNED_IN = ["resident", "proposer", "district", "district_other", "civil", "committee", "lead", "co_agency",
             "other_agency", "councillor", "trainer"]


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def _follows(user, p):
    return Follow.objects.filter(user=user, target_kind="proposal", target_id=p.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", *SIGNED_IN])
def test_follow_and_unfollow_a_public_proposal_by_role(client, cast, cycle, role):
    p = cast.walk(cycle, State.RAISED)
    user = cast[role]
    if user is None:
        response = client.post(f"/follow/proposal/{p.pk}/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Follow.objects.exclude(user=cast.proposer).exists()
        return
    client.force_login(user)
    response = client.post(f"/follow/proposal/{p.pk}/", {"next": p.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == p.get_absolute_url()
    assert _follows(user, p)
    client.post(f"/unfollow/proposal/{p.pk}/")
    # A proposer keeps following their own proposal: they receive its progress anyway.
    assert _follows(user, p) is (role == "proposer")


@pytest.mark.django_db
@pytest.mark.parametrize("role", SIGNED_IN)
def test_a_private_proposal_cannot_be_followed_by_anyone(client, cast, cycle, role):
    draft = cast.new_proposal(cycle)  # never raised: private
    client.force_login(cast[role])
    assert client.post(f"/follow/proposal/{draft.pk}/").status_code == 404
    assert not Follow.objects.filter(target_kind="proposal", target_id=draft.pk).exclude(user=cast.proposer).exists()


@pytest.mark.django_db
def test_follow_refuses_get_unknown_kinds_and_missing_things(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast["resident"])
    assert client.get(f"/follow/proposal/{p.pk}/").status_code == 405
    assert client.post(f"/follow/notathing/{p.pk}/").status_code == 404
    assert client.post("/follow/proposal/999999/").status_code == 404
    assert client.post("/follow/round/999999/").status_code == 404
    with pytest.raises(PermissionDenied, match="請登入以追蹤"):
        from django.contrib.auth.models import AnonymousUser

        services.follow_add(user=AnonymousUser(), kind="proposal", target_id=p.pk)


@pytest.mark.django_db
def test_follow_redirects_only_to_this_site(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast["resident"])
    response = client.post(f"/follow/proposal/{p.pk}/", {"next": "https://evil.example/"})
    assert response["Location"] == "/inbox/settings/"


@pytest.mark.django_db
def test_following_twice_keeps_one_row(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    services.follow_add(user=cast["resident"], kind="proposal", target_id=p.pk)
    services.follow_add(user=cast["resident"], kind="proposal", target_id=p.pk)
    assert Follow.objects.filter(user=cast["resident"]).count() == 1


@pytest.mark.django_db
def test_proposers_follow_their_proposal_from_the_start(cast, cycle):
    p = cast.new_proposal(cycle)
    assert _follows(cast.proposer, p)
    with pytest.raises(ValidationError, match="You proposed it"), translation.override("en"):
        services.follow_remove(user=cast.proposer, kind="proposal", target_id=p.pk)


@pytest.mark.django_db
def test_followers_hear_of_each_step_with_their_own_wording(cast, cycle, django_capture_on_commit_callbacks):
    p = cast.walk(cycle, State.RAISED)
    follower = cast["resident"]
    services.follow_add(user=follower, kind="proposal", target_id=p.pk)
    bystander = UserFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly",
                                              reason="過半數支持")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert set(subjects) == {cast.proposer.email, follower.email}
    assert "您的提案" in subjects[cast.proposer.email]
    assert "您追蹤的提案" in subjects[follower.email]
    note = Notification.objects.get(recipient=follower)
    assert (note.kind, note.topic) == ("proposal", f"proposal:{p.pk}")
    assert not Notification.objects.filter(recipient=bystander).exists()
    # Unfollowed: the next step passes them by.
    services.follow_remove(user=follower, kind="proposal", target_id=p.pk)
    with django_capture_on_commit_callbacks(execute=True):
        cast.step(p, "designate_agencies")
    assert Notification.objects.filter(recipient=follower).count() == 1


@pytest.mark.django_db
def test_a_retried_task_does_not_repeat_a_followers_mail(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    services.follow_add(user=cast["resident"], kind="proposal", target_id=p.pk)
    proposal_services.proposal_transition(proposal=p, actor=cast["district"], transition_name="pass_assembly",
                                          reason="r")
    log = TransitionLog.objects.filter(proposal=p).latest("id")
    mail.outbox.clear()
    transition_notify.apply(args=[log.pk])
    transition_notify.apply(args=[log.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.proposer.email, cast["resident"].email])


@pytest.mark.django_db
def test_follow_button_on_the_proposal_page(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    page = client.get(p.get_absolute_url()).content.decode()
    assert "/accounts/login/?next=" in page and f"/follow/proposal/{p.pk}/" not in page
    client.force_login(cast["resident"])
    page = client.get(p.get_absolute_url()).content.decode()
    assert f'action="/follow/proposal/{p.pk}/"' in page
    services.follow_add(user=cast["resident"], kind="proposal", target_id=p.pk)
    page = client.get(p.get_absolute_url()).content.decode()
    assert f'action="/unfollow/proposal/{p.pk}/"' in page
    client.force_login(cast.proposer)  # follows it for good: no button that would be refused
    page = client.get(p.get_absolute_url()).content.decode()
    assert "/unfollow/proposal/" not in page and "/follow/proposal/" not in page and "追蹤中" in page


@pytest.mark.django_db
def test_settings_page_lists_what_one_follows_and_unfollows(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    services.follow_add(user=cast["resident"], kind="proposal", target_id=p.pk)
    client.force_login(cast["resident"])
    page = client.get("/inbox/settings/").content.decode()
    assert p.title in page and f'action="/unfollow/proposal/{p.pk}/"' in page
    client.force_login(cast.proposer)
    page = client.get("/inbox/settings/").content.decode()
    assert p.title in page and f'action="/unfollow/proposal/{p.pk}/"' not in page  # their own: not offered
    assert client.get("/inbox/").content.decode().count('href="/inbox/settings/"') >= 2  # header and inbox


@pytest.mark.django_db
def test_the_migration_makes_earlier_proposers_follow(cast, cycle):
    import importlib

    from django.apps import apps

    p = cast.walk(cycle, State.RAISED)
    Follow.objects.all().delete()  # as before following existed
    services.follow_add(user=cast["resident"], kind="proposal", target_id=p.pk)
    migration = importlib.import_module("proposals.migrations.0005_proposers_follow_their_proposals")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: nothing doubled
    assert sorted(Follow.objects.values_list("user_id", "target_id")) == sorted(
        [(cast.proposer.pk, p.pk), (cast["resident"].pk, p.pk)])


@pytest.mark.django_db
def test_with_htmx_the_button_is_swapped_in_place(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast["resident"])
    fragment = client.post(f"/follow/proposal/{p.pk}/", {"label": "遮陽棚"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert f'action="/unfollow/proposal/{p.pk}/"' in body and "遮陽棚" in body
    assert 'name="next" value="/inbox/"' in body  # not the /follow/ address the fragment came from
    body = client.post(f"/unfollow/proposal/{p.pk}/", {"next": p.get_absolute_url()},
                       HTTP_HX_REQUEST="true").content.decode()
    assert f'action="/follow/proposal/{p.pk}/"' in body and not _follows(cast["resident"], p)
    assert f'name="next" value="{p.get_absolute_url()}"' in body
