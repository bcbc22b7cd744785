"""Where a proposal is: the village (里) and point given when proposing, staff corrections, merges."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from places.models import PlaceChange, Village
from places.tests.helpers import load_taipei
from proposals import services
from proposals.forms import ProposalForm
from proposals.models import Proposal
from proposals.states import ConsentKind, State
from proposals.tests.lifecycle_helpers import Cast


@pytest.fixture
def cast(district, other_district):
    load_taipei()
    return Cast(district, other_district)


def _village(name):
    return Village.objects.get(name=name)


def _create(cast, cycle, **place):
    return services.proposal_create(
        actor=cast["district"], cycle=cycle, district=cast.district, title="龍坡里公園遮陽", problem="熱",
        solution="遮陽棚", category="parks", proposers=[cast.proposer], **place)


@pytest.mark.django_db
def test_a_proposal_raised_with_a_village_and_a_point_inside_keeps_them_and_their_trail(cast, cycle):
    v = _village("龍坡里")
    p = _create(cast, cycle, village=v, point_lon=v.centroid_lon, point_lat=v.centroid_lat)
    p.refresh_from_db()
    assert (p.village, p.point_lon, p.point_lat) == (v, v.centroid_lon, v.centroid_lat)
    change = PlaceChange.objects.get(subject="proposal", subject_id=p.pk)
    assert (change.village, change.lon, change.actor) == (v, v.centroid_lon, cast["district"])


@pytest.mark.django_db
@pytest.mark.parametrize(("village", "point", "message"), [
    ("關渡里", None, "關渡里 is not in this district|不在這個行政區"),  # a Beitou village for a Da'an proposal
    ("龍坡里", (Decimal("121.6"), Decimal("25.1")), "not inside the village 龍坡里|不在.*龍坡里"),
])
def test_a_village_of_another_district_or_a_point_outside_is_refused(cast, cycle, village, point, message):
    v = _village(village)
    lon, lat = point or (None, None)
    with pytest.raises(ValidationError, match=message):
        _create(cast, cycle, village=v, point_lon=lon, point_lat=lat)
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_half_a_point(cast, cycle):
    from django.db import IntegrityError, transaction

    p = _create(cast, cycle, village=_village("龍坡里"))
    with pytest.raises(IntegrityError, match="proposal_point_whole"), transaction.atomic():
        Proposal.objects.filter(pk=p.pk).update(point_lon=Decimal("121.5"))


@pytest.mark.django_db
def test_the_proposing_form_requires_the_village_of_a_district_proposal(cast, cycle):
    data = {"cycle": cycle.pk, "district": cast.district.pk, "track": "district", "category": "parks",
            "title": "t", "problem": "p", "solution": "s"}
    form = ProposalForm(data)
    assert not form.is_valid() and "village" in form.errors
    v = _village("龍坡里")
    form = ProposalForm({**data, "village": v.pk, "point_lon": "121.6", "point_lat": "25.1"})
    assert not form.is_valid() and "point_lon" in form.errors
    form = ProposalForm({**data, "village": v.pk, "point_lon": str(v.centroid_lon), "point_lat": str(v.centroid_lat)})
    assert form.is_valid(), form.errors
    # a district whose boundaries were never loaded proposes without a village, as before
    from pbcity.tests.factories import DistrictFactory

    form = ProposalForm({**data, "district": DistrictFactory(code="nowhere").pk})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_staff_correct_the_place_with_a_reason_kept_in_the_audit_chain(cast, cycle):
    from pbcity.models import AuditEntry

    p = _create(cast, cycle, village=_village("龍坡里"))
    other = _village("古莊里")
    with pytest.raises(PermissionDenied, match="district office or civil affairs|區公所或民政局"):
        services.proposal_place_set(proposal=p, actor=cast["resident"], village=other, reason="錯了")
    with pytest.raises(ValidationError, match="理由|reason"):
        services.proposal_place_set(proposal=p, actor=cast["district"], village=other, reason=" ")
    services.proposal_place_set(proposal=p, actor=cast["district"], village=other, point_lon=other.centroid_lon,
                                point_lat=other.centroid_lat, reason="地址在古莊里")
    p.refresh_from_db()
    assert p.village == other and p.point_lat == other.centroid_lat
    last = PlaceChange.objects.filter(subject_id=p.pk).last()
    assert (last.village, last.reason, last.actor) == (other, "地址在古莊里", cast["district"])
    assert AuditEntry.objects.filter(table="places.placechange", row_pk=str(last.pk)).exists()
    with pytest.raises(ValidationError, match="Nothing was changed|沒有變更|沒有任何變更"):
        services.proposal_place_set(proposal=p, actor=cast["district"], village=other, point_lon=other.centroid_lon,
                                    point_lat=other.centroid_lat, reason="again")


@pytest.mark.django_db(transaction=True)
def test_a_place_change_cannot_be_rewritten_in_the_database(cast, cycle):
    from django.db import DatabaseError, transaction

    p = _create(cast, cycle, village=_village("龍坡里"))
    with pytest.raises(DatabaseError, match="permission denied|append-only"), transaction.atomic():
        PlaceChange.objects.filter(subject_id=p.pk).update(reason="tampered")


@pytest.mark.django_db
def test_a_merged_proposal_keeps_its_place(cast, cycle):
    v = _village("龍坡里")
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    survivor = cast.walk(cycle, State.ASSEMBLY_PASSED)
    services.proposal_place_set(proposal=p, actor=cast["district"], village=v, point_lon=v.centroid_lon,
                                point_lat=v.centroid_lat, reason="補上位置")
    cast.consent(p, ConsentKind.MERGE)
    services.proposal_merge(proposal=p, into=survivor, actor=cast["district"], reason="相似提案")
    p.refresh_from_db()
    assert (p.state, p.village, p.point_lon) == (State.MERGED, v, v.centroid_lon)


@pytest.mark.django_db
def test_the_map_picks_a_point_without_javascript_and_by_keyboard(client, cast, cycle):
    v = _village("龍坡里")
    client.force_login(cast["district"])
    base = {"cycle": cycle.pk, "district": cast.district.pk, "village": v.pk, "track": "district",
            "category": "parks", "title": "龍坡里公園遮陽", "problem": "熱", "solution": "遮陽棚",
            "proposer_emails": cast.proposer.email}
    url = reverse("proposals:new")
    shown = client.post(url, {**base, "place_show": "1"})
    assert shown.status_code == 200 and not Proposal.objects.exists()
    cells = shown.context["picker"]["cells"]
    inside = [c for row in cells for c in row if c["inside"]]
    assert inside and f'name="place_cell" value="{inside[0]["value"]}"' in shown.content.decode()
    # a square chosen from the keyboard fills the point, nothing is raised yet
    chosen = client.post(url, {**base, "place_cell": inside[0]["value"]})
    lon, lat = inside[0]["value"].split(",")
    assert chosen.context["form"].initial["point_lon"] == lon and not Proposal.objects.exists()
    # a click on the image: the pixel becomes a point of the village
    proj = shown.context["picker"]["proj"]
    from places.svg import PAD

    x = round(PAD + (float(v.centroid_lon) - proj["min_lon"]) * proj["k"] * proj["scale"])
    y = round(PAD + (proj["max_lat"] - float(v.centroid_lat)) * proj["scale"])
    clicked = client.post(url, {**base, "place_pick.x": x, "place_pick.y": y})
    got = clicked.context["form"].initial
    assert abs(Decimal(got["point_lon"]) - v.centroid_lon) < Decimal("0.0002")
    # then the form is sent for real
    raised = client.post(url, {**base, "point_lon": got["point_lon"], "point_lat": got["point_lat"]})
    assert raised.status_code == 302
    p = Proposal.objects.get()
    assert p.village == v and str(p.point_lon) == got["point_lon"]


@pytest.mark.django_db
def test_the_village_image_is_an_svg_of_the_village(client, cast):
    v = _village("龍坡里")
    r = client.get(reverse("places:village_svg", args=[v.pk]) + f"?lon={v.centroid_lon}&lat={v.centroid_lat}")
    assert r["Content-Type"].startswith("image/svg+xml") and b"<circle" in r.content and "龍坡里" in r.content.decode()
    assert client.get(reverse("places:village_svg", args=[999999])).status_code == 404
