"""Civil affairs closes a round early or extends it, with a reason the district's voters are told; every
step that cannot be undone asks for confirmation (issue 18, item 5)."""
import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from pbcity.models import Notification
from pbcity.services import follow_add
from pbcity.tests.factories import UserFactory
from voting.models import Round, RoundEvent
from voting.services import rounds as round_services

from .round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401
from .test_round_matrix import world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the services' messages are matched in English
        yield

ROLES = ["civil", "district", "committee", "resident", "anonymous"]
STATES = ["draft", "open", "closed"]
FROZEN_END = "closing time is frozen but for moving it later while open"


def _round_in(state, world, cycle, district):
    r = make_round(world["civil"], cycle, district)
    if state != "draft":
        r = round_services.round_open(round_=r, actor=world["civil"])
    if state == "closed":
        r = round_services.round_close_early(round_=r, actor=world["civil"], reason="set-up")
    return Round.objects.get(pk=r.pk)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_close_early_and_extend_by_role_and_state(world, role, state, cycle, district):
    who = world["people"][role]
    r = _round_in(state, world, cycle, district)
    later = r.closes_at + datetime.timedelta(hours=2)
    expected = role == "civil" and state == "open"
    for attempt in (lambda: round_services.round_extend(round_=r, actor=who, closes_at=later, reason="storm"),
                    lambda: round_services.round_close_early(round_=r, actor=who, reason="storm")):
        if expected:
            attempt()
        else:
            with pytest.raises((PermissionDenied, ValidationError),
                               match="civil-affairs|open round|Only an open round"):
                attempt()
    r.refresh_from_db()
    if expected:
        assert r.status == Round.Status.CLOSED and r.closes_at == later
        assert list(r.events.values_list("action", flat=True))[-2:] == ["extend", "close_early"]
    else:
        assert r.status == state
        assert not r.events.filter(action__in=["extend", "close_early"]).exclude(reason__contains="set-up").exists()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_the_manage_page_steers_only_for_civil_affairs(client, world, role, state, cycle, district):
    who = world["people"][role]
    r = _round_in(state, world, cycle, district)
    if role != "anonymous":
        client.force_login(who)
    resp = client.post(reverse("voting:round_action", args=[r.pk, "close"]), {"confirm": "yes", "reason": "storm"})
    assert resp.status_code in (302, 403)
    r.refresh_from_db()
    assert (r.status == Round.Status.CLOSED) == (state == "closed" or (role == "civil" and state == "open"))


def test_closing_early_seals_the_box_records_who_why_and_tells_the_districts_voters(
        client, civil, cycle, district, other_district, projects, django_capture_on_commit_callbacks):
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=2), actor=civil)
    scheduled = r.closes_at
    voter = verified_voter(cycle, district)
    voter.user.language = "en"
    voter.user.save(update_fields=["language"])
    cast(r, voter, projects[:1])
    elsewhere = verified_voter(cycle, other_district)
    follower = UserFactory()
    follow_add(user=follower, kind="round", target_id=r.pk)
    late = verified_voter(cycle, district)

    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_close_early(round_=r, actor=civil, reason="Typhoon: offices closed")
    r.refresh_from_db()
    assert r.status == Round.Status.CLOSED and r.closed_at < scheduled and r.closes_at == scheduled
    assert r.box_size == 1 and r.box_head
    event = r.events.get(action="close_early")
    assert event.actor == civil and event.old_status == "open"
    assert "Typhoon: offices closed" in str(event.reason) and timezone.localtime(scheduled).strftime(
        "%Y-%m-%d %H:%M") in str(event.reason)
    with pytest.raises((ValidationError, DatabaseError, PermissionDenied)):
        cast(r, late, projects[:1])  # no ballot after the early close

    notes = {n.recipient_id: n for n in Notification.objects.filter(key=f"round-closed:{event.pk}")}
    assert set(notes) == {voter.user_id, late.user_id, follower.pk}  # not the other district's voter
    assert elsewhere.user_id not in notes
    english = notes[voter.user_id]
    assert english.subject.startswith("Voting in") and "closed early" in english.subject
    assert "Typhoon: offices closed" in english.body and "Closed early" in english.body
    assert "大安區" in notes[follower.pk].subject  # the follower reads the default language


def test_extending_moves_the_closing_time_later_only(civil, cycle, district, projects,
                                                   django_capture_on_commit_callbacks):
    r = round_services.round_open(round_=make_round(civil, cycle, district), actor=civil)
    voter = verified_voter(cycle, district)
    old = r.closes_at
    with pytest.raises(ValidationError, match="later than now and than the current one"):
        round_services.round_extend(round_=r, actor=civil, closes_at=old - datetime.timedelta(minutes=5),
                                    reason="x")
    with pytest.raises(ValidationError, match="Give a reason"):
        round_services.round_extend(round_=r, actor=civil, closes_at=old + datetime.timedelta(hours=1), reason="  ")
    with pytest.raises(ValidationError, match="under 180"):
        round_services.round_extend(round_=r, actor=civil, closes_at=old + datetime.timedelta(hours=1),
                                    reason="x" * 181)
    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_extend(round_=r, actor=civil, closes_at=old + datetime.timedelta(hours=1),
                                    reason="Power cut in the district office")
    r.refresh_from_db()
    assert r.closes_at == old + datetime.timedelta(hours=1)
    event = r.events.get(action="extend")
    assert event.actor == civil and event.old_status == "open"
    assert timezone.localtime(old).strftime("%Y-%m-%d %H:%M") in str(event.reason)
    assert Notification.objects.filter(recipient=voter.user, key=f"round-extended:{event.pk}").exists()
    # The scheduled close does not close it before the new time, and does at it.
    assert round_services.rounds_close_due(now=old + datetime.timedelta(minutes=1)) == 0
    assert round_services.rounds_close_due(now=r.closes_at) == 1


def test_the_database_refuses_moving_the_closing_time_earlier_or_after_close(civil, cycle, district, projects):
    r = round_services.round_open(round_=make_round(civil, cycle, district), actor=civil)
    with pytest.raises(DatabaseError, match=FROZEN_END), transaction.atomic():
        Round.objects.filter(pk=r.pk).update(closes_at=r.closes_at - datetime.timedelta(minutes=1))
    Round.objects.filter(pk=r.pk).update(closes_at=r.closes_at + datetime.timedelta(minutes=1))  # allowed
    r = close(Round.objects.get(pk=r.pk), civil)
    with pytest.raises(DatabaseError, match=FROZEN_END), transaction.atomic():
        Round.objects.filter(pk=r.pk).update(closes_at=r.closes_at + datetime.timedelta(days=1))


def test_a_post_without_confirmation_is_refused_with_a_message(client, civil, cycle, district, projects):
    r = make_round(civil, cycle, district)
    client.force_login(civil)
    page = client.get(reverse("voting:rounds_manage"))
    assert page.status_code == 200 and 'name="confirm" value="yes"' in page.content.decode()
    resp = client.post(reverse("voting:round_action", args=[r.pk, "open"]), follow=True)
    assert "confirm the step" in resp.content.decode() or "確認" in resp.content.decode()
    assert Round.objects.get(pk=r.pk).status == Round.Status.DRAFT
    client.post(reverse("voting:round_action", args=[r.pk, "open"]), {"confirm": "yes"})
    assert Round.objects.get(pk=r.pk).status == Round.Status.OPEN
    for action in ("close", "extend"):
        client.post(reverse("voting:round_action", args=[r.pk, action]),
                    {"reason": "storm", "closes_at": "2099-01-01T10:00"})
    assert Round.objects.get(pk=r.pk).status == Round.Status.OPEN
    assert not RoundEvent.objects.filter(round=r, action__in=["extend", "close_early"]).exists()
    client.post(reverse("voting:round_action", args=[r.pk, "close"]), {"confirm": "yes"})  # early needs a reason
    assert Round.objects.get(pk=r.pk).status == Round.Status.OPEN
    client.post(reverse("voting:round_action", args=[r.pk, "extend"]),
                {"confirm": "yes", "reason": "storm", "closes_at": "2099-01-01T10:00"})
    assert Round.objects.get(pk=r.pk).closes_at.year == 2099


def _race(*jobs):
    barrier, errors = threading.Barrier(len(jobs)), []

    def run(job):
        try:
            barrier.wait()
            with translation.override("en"):  # a thread starts in the default language
                job()
        except (ValidationError, PermissionDenied) as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_extends_at_once_both_apply_in_order_never_backwards(cast_people, civil, cycle, district, projects):
    r = round_services.round_open(round_=make_round(civil, cycle, district), actor=civil)
    base = r.closes_at
    a, b = base + datetime.timedelta(hours=1), base + datetime.timedelta(hours=2)
    errors = _race(lambda: round_services.round_extend(round_=r, actor=civil, closes_at=b, reason="b"),
                   lambda: round_services.round_extend(round_=r, actor=civil, closes_at=a, reason="a"))
    r.refresh_from_db()
    # Whichever ran second saw the first's time under the lock: the later time wins, one event per change.
    assert r.closes_at == b
    assert r.events.filter(action="extend").count() == 2 - len(errors)
    assert all("later than now" in str(e) for e in errors)


@pytest.mark.django_db(transaction=True)
def test_close_early_racing_the_scheduled_close_closes_once(cast_people, civil, cycle, district, projects):
    r = round_services.round_open(round_=make_round(civil, cycle, district), actor=civil)
    errors = _race(lambda: round_services.round_close_early(round_=r, actor=civil, reason="storm"),
                   lambda: round_services.round_close(round_=r, now=r.closes_at + datetime.timedelta(seconds=1)))
    r.refresh_from_db()
    assert r.status == Round.Status.CLOSED
    assert r.events.filter(action__in=["close", "close_early"]).count() == 1
    assert len(errors) == 1 and "Only an open round" in str(errors[0])
