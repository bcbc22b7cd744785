"""Qualification predicates as a role × action matrix."""
import pytest

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from training import permissions as perm
from training import selectors
from training.tests.factories import SessionFactory, card_holder

pytestmark = pytest.mark.django_db

QUALIFICATIONS = ["may_host", "may_vice_host", "may_lead_table", "may_record", "in_basic_pool", "in_advanced_pool"]
# Rows: highest card held; columns: QUALIFICATIONS (see docs/decisions.md, "Training").
MATRIX = {
    None: [False, False, False, False, False, False],
    "basic": [False, False, False, False, True, False],
    "advanced": [False, False, False, False, False, True],
    "deliberation": [True, True, True, True, False, False],
}


@pytest.mark.parametrize("level", list(MATRIX))
def test_qualification_matrix(level):
    user = card_holder(level) if level else UserFactory()
    got = [getattr(perm, name)(user) for name in QUALIFICATIONS]
    assert got == MATRIX[level]
    assert perm.card_level(user) == level


@pytest.mark.parametrize("level, holds", [
    ("basic", {"basic": True, "advanced": False, "deliberation": False}),
    ("advanced", {"basic": True, "advanced": True, "deliberation": False}),
    ("deliberation", {"basic": True, "advanced": True, "deliberation": True}),
])
def test_holds_card_means_this_level_or_higher(level, holds):
    user = card_holder(level)
    assert {lv: perm.holds_card(user, lv) for lv in holds} == holds


def test_anonymous_qualifies_for_nothing():
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert perm.card_level(anon) is None
    assert not any(getattr(perm, n)(anon) for n in QUALIFICATIONS)


def test_pools_as_querysets_match_predicates(district):
    basic = card_holder("basic", home_district=district)
    adv = card_holder("advanced", home_district=district)
    delib = card_holder("deliberation", home_district=district)
    card_holder("basic")  # another district
    assert list(selectors.card_pool(level="basic", district=district)) == [basic]
    assert list(selectors.card_pool(level="advanced", district=district)) == [adv]
    assert set(selectors.card_holders(level="deliberation")) == {delib}


STAFF_ACTIONS = ["record_attendance", "revoke_card", "view_figures", "manage_experts"]


def _staff_matrix_row(user, session):
    return [
        perm.can_record_attendance(session, user), perm.can_revoke_card(user),
        perm.can_view_figures(user), perm.can_manage_experts(user),
    ]


@pytest.mark.parametrize("who, expected", [
    ("own_trainer", [True, False, True, False]),
    ("own_trainer_no_mfa", [False, False, False, False]),
    ("other_trainer", [False, False, True, False]),
    ("civil_affairs", [False, True, True, True]),
    ("committee", [False, False, True, False]),
    ("district_office", [False, False, False, False]),
    ("resident", [False, False, False, False]),
])
def test_staff_matrix(who, expected, district):
    own = staff(Role.TRAINER)
    session = SessionFactory(trainer=own)
    if who == "own_trainer_no_mfa":
        own = staff(Role.TRAINER, mfa=False)
        session = SessionFactory(trainer=own)
    users = {
        "own_trainer": own, "own_trainer_no_mfa": own, "other_trainer": staff(Role.TRAINER),
        "civil_affairs": staff(Role.CIVIL_AFFAIRS), "committee": staff(Role.COMMITTEE),
        "district_office": staff(Role.DISTRICT_OFFICE, district=district), "resident": UserFactory(),
    }
    assert _staff_matrix_row(users[who], session) == expected
