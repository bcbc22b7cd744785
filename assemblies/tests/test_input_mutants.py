"""Tests written for mutants that survived the mutation run (docs/mutation.md)."""
import pytest
from django.contrib.auth.models import AnonymousUser

from assemblies import permissions as perm
from assemblies import services
from pbcity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_a_registered_attendee_signs_in_online_while_an_online_assembly_is_open(
    cycle, district, district_staff, registered_user, planned
):
    online = services.assembly_plan(actor=district_staff, cycle=cycle, district=district, title="線上住民大會",
                                    starts_at="2026-03-01T19:00+08:00", online_url="https://meet.example.tw/pb",
                                    top_k=3, votes_per_attendee=1)
    att = services.attendee_register(assembly=online, user=registered_user)
    in_room = services.attendee_register(assembly=planned, user=registered_user)
    assert not perm.can_self_sign_in(online, att, registered_user)  # planned, not in session
    services.assembly_open(assembly=online, actor=district_staff)
    services.assembly_open(assembly=planned, actor=district_staff)
    online.refresh_from_db(), planned.refresh_from_db()
    assert perm.can_self_sign_in(online, att, registered_user)
    assert not perm.can_self_sign_in(online, att, UserFactory())  # someone else's registration
    assert not perm.can_self_sign_in(online, att, AnonymousUser())
    assert not perm.can_self_sign_in(online, None, registered_user)  # not registered
    assert not perm.can_self_sign_in(planned, in_room, registered_user)  # an assembly in a room


def test_recording_at_one_of_two_tables_is_recording_somewhere(in_session, district_staff, recorder):
    from training.tests.factories import card_holder

    a = in_session["assembly"]
    services.table_add(assembly=a, actor=district_staff, number=2, lead=card_holder(name="桌長 丙"),
                       recorder=card_holder(name="記錄 丁"))
    assert perm.can_record_somewhere(a, recorder)  # `any`, not `all`: records at table 1 only
    assert not perm.can_record_somewhere(a, UserFactory())
