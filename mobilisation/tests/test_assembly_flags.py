"""Planted mobilisation at a synthetic assembly raises its flags (a village's bloc, a group one staff
member signed in together, a sign-in burst); a clean assembly raises none."""
import datetime

import pytest

from assemblies.models import Attendee
from mobilisation.models import Flag
from mobilisation.services import assembly_flags_compute
from pbcity.roles import Role
from pbcity.tests.factories import staff

from .assembly_helpers import VILLAGES, Room

pytestmark = pytest.mark.django_db

K = Flag.Kind


def test_a_clean_assembly_raises_no_flag(cycle, district, district_staff):
    room = Room(cycle, district, district_staff)
    room.crowd(60)
    room.raise_items()
    room.vote(lambda role: room.rng.sample(range(5), 2))
    assert assembly_flags_compute(assembly=room.a) == []


def test_planted_blocs_and_burst_raise_their_flags(cycle, district, district_staff):
    room = Room(cycle, district, district_staff)
    # 60 ordinary arrivals; among them, every fourth from the same village G01 (15 people) — a bloc.
    for i in range(60):
        village = "G01" if i % 4 == 3 else VILLAGES[i % len(VILLAGES)]
        room.sign_in(minute=i, village=village, by=room.desk[i % 2], role="bloc" if village == "G01" else "crowd",
                     table=i % 2)
    # A bus arrives: 20 people of every village signed in by one staff member within four minutes.
    bus_driver = staff(Role.DISTRICT_OFFICE, district=district)
    for i in range(20):
        room.sign_in(minute=30 + i * 0.2, village=VILLAGES[i % len(VILLAGES)], by=bus_driver, role="bus", table=1)
    room.raise_items()
    crowd_items = [0, 1, 3]
    room.vote(lambda role: {"bloc": [2, 0], "bus": [4, 1]}.get(role) or room.rng.sample(crowd_items, 2))

    flags = assembly_flags_compute(assembly=room.a)
    found = {(f.kind, f.proposal_id) for f in flags if f.proposal_id} | {(f.kind, None) for f in flags
                                                                       if not f.proposal_id}
    assert found == {(K.VILLAGE_BLOC, room.items[2].proposal_id), (K.STAFF_BLOC, room.items[4].proposal_id),
                     (K.SIGNIN_BURST, None)}
    village = next(f for f in flags if f.kind == K.VILLAGE_BLOC)
    assert village.subject.endswith("|G01") and village.count == 15 and village.total == 15
    assert village.value == 1.0 and village.baseline == pytest.approx(15 / 80) and village.threshold <= 1.0
    bus = next(f for f in flags if f.kind == K.STAFF_BLOC)
    assert bus.count == 20 and bus.baseline == pytest.approx(20 / 80)
    burst = next(f for f in flags if f.kind == K.SIGNIN_BURST)
    assert burst.count >= 20 and burst.value >= burst.threshold > burst.baseline
    assert burst.details["by_staff"][bus_driver.name] >= 20


def test_a_flag_that_no_longer_holds_is_kept_but_lapses(cycle, district, district_staff):
    room = Room(cycle, district, district_staff)
    for i in range(20):
        room.sign_in(minute=i * 0.2, village="A01", table=0)  # 20 in four minutes
    for i in range(40):
        room.sign_in(minute=10 + i * 2, village=VILLAGES[i % 6], table=0)
    room.raise_items(3)
    [burst] = assembly_flags_compute(assembly=room.a)
    assert burst.kind == K.SIGNIN_BURST and burst.active
    # The door's list is corrected: the same people came in one every three minutes.
    for i, att in enumerate(Attendee.objects.filter(assembly=room.a).order_by("id")):
        Attendee.objects.filter(pk=att.pk).update(signed_in_at=room.start + datetime.timedelta(minutes=3 * i))
    assert assembly_flags_compute(assembly=room.a) == []
    burst.refresh_from_db()
    assert not burst.active
