"""A proposal's place is outside its sealed history; its trail is places.PlaceChange on the audit chain. The
invariant proposals.place_matches_place_changes names a place written in SQL by the runtime role without a
place change, or a forged place change the proposal does not match (pbcity/tests/forgery.py)."""

import pytest
from django.utils import timezone

from pbcity.audit.verify import chain_verify
from pbcity.dbroles import owner_credentials
from pbcity.tests import forgery
from pbcity.tests.forgery import verify
from places.models import PlaceChange, Village
from places.tests.helpers import load_taipei
from proposals import services
from proposals.tests.lifecycle_helpers import Cast

pytestmark = [pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)"),
              pytest.mark.django_db]


@pytest.fixture
def cast(district, other_district):
    load_taipei()
    return Cast(district, other_district)




def _draft(cast, cycle):
    v = Village.objects.get(name="龍坡里")
    return services.proposal_propose(actor=cast.proposer, cycle=cycle, district=cast.district, village=v,
                                     point_lon=v.centroid_lon, point_lat=v.centroid_lat, title="巷口反射鏡",
                                     problem="看不到", solution="鏡子", category="traffic")


def test_the_genuine_places_verify(cast, cycle):
    p = _draft(cast, cycle)
    other = Village.objects.get(name="古莊里")
    services.proposal_draft_update(proposal=p, actor=cast.proposer, village=other, title="古莊里巷口反射鏡")
    services.proposal_transition(proposal=p, actor=cast["district"], transition_name="raise_proposal", reason="提出")
    services.proposal_place_set(proposal=p, actor=cast["district"], village=other, point_lon=other.centroid_lon,
                                point_lat=other.centroid_lat, reason="補上地點")
    cast.walk(cycle, "raised")  # placed by the helper's draft, never corrected
    services.proposal_create(actor=cast["district"], cycle=cycle, district=cast.district, title="未定位",
                             problem="p", solution="s", category="parks", proposers=[cast.proposer], as_draft=True)
    ok, out = verify()
    assert ok, out


def test_a_place_moved_in_sql_without_a_place_change_is_named(cast, cycle):
    p = _draft(cast, cycle)
    elsewhere = Village.objects.get(name="古莊里")
    forgery.sql("UPDATE proposals_proposal SET village_id = %s, point_lon = NULL, point_lat = NULL WHERE id = %s",
                [elsewhere.pk, p.pk])
    report = chain_verify()
    assert report.broken is None and report.forged is None  # the chain alone is fooled
    ok, out = verify()
    last = PlaceChange.objects.get(subject_id=p.pk)
    assert not ok
    assert (f"INVARIANT proposals.place_matches_place_changes: places.placechange:{last.pk} — proposal {p.pk} is "
            f"placed in village {elsewhere.pk} at (None, None) but its last place change says village "
            f"{last.village_id} at ({last.lon}, {last.lat})") in out
    assert [(pr.check, pr.subject) for pr in chain_verify().problems] == [
        ("proposals.place_matches_place_changes", f"proposals.proposal:{p.pk}")]


def test_a_place_given_in_sql_to_a_proposal_that_never_had_one_is_named(cast, cycle):
    p = services.proposal_create(actor=cast["district"], cycle=cycle, district=cast.district, title="未定位",
                                 problem="p", solution="s", category="parks", proposers=[cast.proposer],
                                 as_draft=True)
    v = Village.objects.get(name="龍坡里")
    forgery.sql("UPDATE proposals_proposal SET village_id = %s WHERE id = %s", [v.pk, p.pk])
    ok, out = verify()
    assert not ok
    assert (f"proposals.proposal:{p.pk} — proposal {p.pk} is placed in village {v.pk} at (None, None) without a "
            "place change on record") in out


def test_a_forged_sealed_place_change_the_proposal_does_not_match_is_named(cast, cycle):
    p = _draft(cast, cycle)
    other = Village.objects.get(name="古莊里")
    forged = forgery.insert("places_placechange", {
        "subject": "proposal", "subject_id": p.pk, "village_id": other.pk, "lon": None, "lat": None,
        "reason": "更正", "actor_id": cast["district"].pk, "recorded_at": timezone.now()})
    forgery.seal(PlaceChange, forged)
    assert chain_verify().broken is None
    ok, out = verify()
    assert not ok
    assert f"places.placechange:{forged} — proposal {p.pk} is placed in village " in out
