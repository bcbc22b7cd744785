"""Role × action matrix for the assembly predicates."""
import pytest
from django.urls import reverse

from assemblies import permissions as perm
from assemblies import services
from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from training.tests.factories import card_holder

from .conftest import record

pytestmark = pytest.mark.django_db

ACTIONS = ["plan", "run", "lead_table", "be_recorder", "record_at_table", "register"]


def _people(district, other_district, table):
    return {
        "anonymous": __import__("django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser(),
        "resident": UserFactory(),
        "district_office": staff(Role.DISTRICT_OFFICE, district=district),
        "district_office_no_mfa": staff(Role.DISTRICT_OFFICE, district=district, mfa=False),
        "other_district_office": staff(Role.DISTRICT_OFFICE, district=other_district),
        "civil_affairs": staff(Role.CIVIL_AFFAIRS),
        "councillor": staff(Role.COUNCILLOR, district=district),
        "card_holder": card_holder(),
        "basic_card": card_holder(level="basic"),
        "table_recorder": table.recorder,
    }


EXPECTED = {
    #                         plan   run    lead   record recordAt register
    "anonymous":              (False, False, False, False, False, False),
    "resident":               (False, False, False, False, False, True),
    "district_office":        (True, True, False, False, True, True),
    "district_office_no_mfa": (False, False, False, False, False, True),
    "other_district_office":  (False, False, False, False, False, True),
    "civil_affairs":          (False, False, False, False, False, True),
    "councillor":             (False, False, False, False, False, True),
    "card_holder":            (False, False, True, True, False, True),
    "basic_card":             (False, False, False, False, False, True),
    "table_recorder":         (False, False, True, True, True, True),
}


def test_matrix(planned, district, other_district, district_staff, lead, recorder):
    services.assembly_open(assembly=planned, actor=district_staff)
    table = services.table_add(assembly=planned, actor=district_staff, number=1, lead=lead, recorder=recorder)
    people = _people(district, other_district, table)
    got = {}
    for who, user in people.items():
        got[who] = (
            perm.can_plan(district.pk, user),
            perm.can_run(planned, user),
            perm.can_lead_table(user),
            perm.can_be_recorder(user),
            perm.can_record_at(table, user),
            perm.can_register(planned, user),
        )
    assert got == EXPECTED


def test_revoked_card_stops_recording(in_session, recorder):
    from training.models import CitizenCard
    from training.services import card_revoke

    table = in_session["table"]
    assert perm.can_record_at(table, recorder)
    civil = staff(Role.CIVIL_AFFAIRS)
    for card in CitizenCard.objects.filter(holder=recorder):
        card_revoke(actor=civil, card=card, reason="冒名上課")
    assert not perm.can_record_at(table, recorder)


def test_results_public_only_after_closing(client, in_session, recorder, district_staff):
    """The result pages and exports exist only once the vote is closed, for staff too (no live tally)."""
    a = in_session["assembly"]
    record(in_session, recorder, "一")
    names = ["results", "results_csv", "results_json", "results_pdf"]
    for user in (None, UserFactory(), district_staff):
        if user:
            client.force_login(user)
        for name in names:
            assert client.get(reverse(f"assemblies:{name}", args=[a.pk])).status_code == 404, (user, name)
    services.vote_open(assembly=a, actor=district_staff)
    assert client.get(reverse("assemblies:results", args=[a.pk])).status_code == 404
    services.assembly_close(assembly=a, actor=district_staff)
    client.logout()
    for name in names:
        assert client.get(reverse(f"assemblies:{name}", args=[a.pk])).status_code == 200, name
