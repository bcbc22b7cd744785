"""Role × action matrix for the review panel: district scope, MFA, hosts, seats, states."""
import pytest
from allauth.mfa.models import Authenticator

from deliberation import permissions as perm
from deliberation import services
from deliberation.models import PanelSeat
from pbcity.roles import Role
from pbcity.tests.factories import staff

from .panel_fixtures import *  # noqa: F401,F403
from .panel_fixtures import commit

pytestmark = pytest.mark.django_db


def allowed(pred, obj, people):
    return {key for key, user in people.items() if pred(obj, user if user is not None else _anon())}


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def fresh(user):
    """Drop the cached roles and MFA flag, as a new request would."""
    for attr in ("_pb_roles", "_pb_mfa", "_pb_has_roles"):
        if hasattr(user, attr):
            delattr(user, attr)
    return user


def test_panel_role_matrix(world, planned):
    cast = world.cast
    seats = {s.seat_type: s for s in PanelSeat.objects.filter(panel=planned)}
    people = dict(cast.people)
    people.update({
        "host": world.host, "co_host": world.co_host, "deliberator": world.deliberator,
        "committee_no_mfa": staff(Role.COMMITTEE, mfa=False),
    })
    assert allowed(perm.can_plan_panel, world.district, people) == {"district"}
    assert allowed(perm.can_appoint_panel, planned, people) == {"civil", "committee", "host", "co_host"}
    assert allowed(perm.can_run_draw, planned, people) == {"district"}
    assert allowed(perm.can_run_sitting, planned, people) == {"district", "host", "co_host"}
    assert allowed(perm.can_view_allowances, planned, people) == {"district", "civil"}
    assert allowed(perm.can_join_online, planned, people) == {"district", "host", "co_host", "deliberator"}
    assert allowed(perm.can_view_all_scores, planned, people) == set()
    assert seats["host"].user == world.host

    commit(world, planned)
    planned.refresh_from_db()
    assert allowed(perm.can_appoint_panel, planned, people) == set()  # appointments end at the commitment
    services.panel_draw(panel=planned, actor=world.office, random_value="7")
    services.panel_open_scoring(panel=planned, actor=world.office)
    planned.refresh_from_db()
    drawn = {f"{s.seat_type}{i}": s.user for i, s in enumerate(PanelSeat.objects.filter(panel=planned, source="drawn"))}
    everyone = {**people, **drawn}
    assert allowed(perm.can_score, planned, everyone) == set(drawn)  # hosts and the vice-host do not score

    # A host without MFA may not run the sitting; an absent member may not score.
    Authenticator.objects.filter(user=world.host).delete()
    assert not perm.can_run_sitting(planned, fresh(world.host))
    absent = PanelSeat.objects.filter(panel=planned, seat_type="basic").first()
    services.panel_mark_absent(panel=planned, actor=world.office, seat=absent, reason="請假")
    planned.refresh_from_db()
    assert not perm.can_score(planned, absent.user)


def test_views_refuse_other_districts_agencies_and_staff_without_mfa(client, world, planned):
    cast = world.cast
    refused = [cast["district_other"], cast["district_no_mfa"], cast["lead"], cast["councillor"], cast["resident"],
               cast["committee"], cast["civil_no_mfa"]]
    posts = [
        ("panel_commit", {"randomness_source": "x", "randomness_date": "2026-06-12"}),
        ("panel_draw", {"random_value": "1"}),
        ("panel_open", {}),
        ("panel_close", {}),
    ]
    from django.urls import reverse

    for user in refused:
        client.force_login(user)
        for name, data in posts:
            r = client.post(reverse(f"deliberation:{name}", args=[planned.pk]), data)
            assert r.status_code in (302, 403), (name, user)
            if r.status_code == 302:  # staff without MFA are sent to set it up first
                assert "mfa" in r["Location"] or "two-factor" in r["Location"] or "account" in r["Location"]
    for user in (cast["district"], cast["lead"], cast["resident"]):
        client.force_login(user)
        r = client.post(reverse("deliberation:panel_appoint", args=[planned.pk]), {})
        assert r.status_code == 403
    client.force_login(cast["lead"])
    assert client.get(reverse("deliberation:panel_new")).status_code == 403
    client.force_login(cast["district_other"])  # plans its own district's panel only
    page = client.get(reverse("deliberation:panel_new")).content.decode()
    assert "北投區" in page and "大安區" not in page
    planned.refresh_from_db()
    assert planned.state == "planned"
