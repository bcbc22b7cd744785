"""Role × action matrix for rounds, ballots, progress and the public pages (other district, staff without
MFA included). Each cell either happens or is refused, never a 500."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from voting import permissions as perm
from voting.services import ballots as ballot_services
from voting.services import rounds as round_services
from voting.services import tally as tally_services

from .round_helpers import close, make_round, verified_voter

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "voter", "voter_other_district", "district", "district_other", "district_no_mfa",
         "civil", "civil_no_mfa", "committee", "lead", "councillor", "trainer"]
# Who may do each staff action (services and pages alike).
MANAGE = {"civil"}
FOLLOW = {"civil", "committee"}
CAST = {"voter"}


@pytest.fixture
def world(cycle, district, other_district):
    from django.contrib.auth.models import AnonymousUser

    from proposals.states import State
    from proposals.tests.lifecycle_helpers import Cast

    cast = Cast(district, other_district)
    people = dict(cast.people)
    people["anonymous"] = AnonymousUser()
    people["voter"] = verified_voter(cycle, district).user
    people["voter_other_district"] = verified_voter(cycle, other_district).user
    projects = [cast.walk(cycle, State.ON_EXHIBITION) for _i in range(2)]
    return {"people": people, "civil": people["civil"], "projects": projects}


def _allowed(fn) -> bool:
    try:
        fn()
    except PermissionDenied:
        return False
    except ValidationError:
        return True  # permitted, refused for another reason (state, time)
    return True


@pytest.mark.parametrize("role", ROLES)
def test_round_services_by_role(world, role, cycle, district):
    who = world["people"][role]
    r = make_round(world["civil"], cycle, district)
    assert _allowed(lambda: make_round(who, cycle, district)) == (role in MANAGE)
    assert _allowed(lambda: round_services.round_open(round_=r, actor=who)) == (role in MANAGE)
    r.refresh_from_db()
    if r.status == "draft":
        round_services.round_open(round_=r, actor=world["civil"])
    choices = {world["projects"][0].pk: 1}
    assert _allowed(lambda: ballot_services.ballot_cast(round_id=r.pk, user=who, choices=choices,
                                                        key=ballot_services.form_key())) == (role in CAST)
    later = r.closes_at + datetime.timedelta(seconds=1)
    assert _allowed(lambda: round_services.round_close(round_=r, actor=who, now=later)) == (role in MANAGE)
    r.refresh_from_db()
    if r.status == "open":
        close(r, world["civil"])
    r.refresh_from_db()
    assert _allowed(lambda: tally_services.round_tally_start(round_=r, actor=who)) == (role in MANAGE)
    assert perm.can_follow_round(r, who) == (role in FOLLOW)


@pytest.mark.parametrize("role", ROLES)
def test_round_pages_by_role(world, role, client, cycle, district):
    who = world["people"][role]
    r = round_services.round_open(round_=make_round(world["civil"], cycle, district), actor=world["civil"])
    if role != "anonymous":
        client.force_login(who)
    manage = client.get(reverse("voting:rounds_manage"))
    assert (manage.status_code == 200) == (role in MANAGE), manage.status_code
    assert manage.status_code in (200, 302, 403)
    progress = client.get(reverse("voting:round_progress", args=[r.pk]))
    assert (progress.status_code == 200) == (role in FOLLOW)
    action = client.post(reverse("voting:round_action", args=[r.pk, "close"]), {"confirm": "yes"})
    assert action.status_code in (302, 403)
    r.refresh_from_db()
    assert r.status == "open"  # early only with a reason, and only civil affairs
    # Public pages: everyone (staff without MFA are sent to set it up first), and no counts before the tally.
    ok = 302 if role.endswith("no_mfa") else 200
    assert client.get(reverse("voting:rounds")).status_code == ok
    assert client.get(reverse("voting:board", args=[r.pk])).status_code == ok
    assert client.get(reverse("voting:results", args=[r.pk])).status_code == (404 if ok == 200 else 302)
    ballot = client.get(reverse("voting:ballot", args=[r.pk]))
    assert ballot.status_code == (302 if role == "anonymous" else ok)
    if ballot.status_code == 200:
        assert ('name="step" value="review"' in ballot.content.decode()) == (role in CAST)
