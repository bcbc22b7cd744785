"""A project is where its proposal is; its lead agency refines the point inside the village (audited)."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from places import rules
from places.models import PlaceChange, Village
from places.tests.helpers import load_taipei
from proposals import services as proposal_services
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from tracking import services
from tracking.models import Project


@pytest.fixture
def project(district, other_district, cycle):
    load_taipei()
    cast = Cast(district, other_district)
    p = cast.walk(cycle, State.BUDGETING)
    v = Village.objects.get(name="龍坡里")
    proposal_services.proposal_place_set(proposal=p, actor=cast["district"], village=v, point_lon=v.centroid_lon,
                                         point_lat=v.centroid_lat, reason="定位")
    return Project.objects.select_related("proposal__village").get(proposal=p), cast


@pytest.mark.django_db
def test_a_project_inherits_its_proposals_point_until_the_lead_agency_refines_it(project):
    pr, cast = project
    v = pr.proposal.village
    assert pr.place_point == (v.centroid_lon, v.centroid_lat)
    lon, lat = v.centroid_lon + Decimal("0.0002"), v.centroid_lat
    assert rules.point_in_village(boundary=v.boundary, lon=lon, lat=lat)
    with pytest.raises(PermissionDenied, match="lead agency|主辦機關"):
        services.project_point_refine(project=pr, actor=cast["district"], point_lon=lon, point_lat=lat, reason="x")
    with pytest.raises(ValidationError, match="not inside the village|不在"):
        services.project_point_refine(project=pr, actor=cast["lead"], point_lon=Decimal("121.6"),
                                      point_lat=Decimal("25.1"), reason="施工位置")
    services.project_point_refine(project=pr, actor=cast["lead"], point_lon=lon, point_lat=lat, reason="施工位置")
    pr.refresh_from_db()
    assert pr.place_point == (lon, lat)
    assert PlaceChange.objects.filter(subject="project", subject_id=pr.pk, lon=lon, reason="施工位置").exists()


@pytest.mark.django_db
def test_the_refine_page_is_the_lead_agencys(client, project):
    pr, cast = project
    url = reverse("tracking:place", args=[pr.pk])
    client.force_login(cast["district"])
    assert client.get(url).status_code == 403
    client.force_login(cast["lead"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="place_cell"' in page.content.decode()
    v = pr.proposal.village
    r = client.post(url, {"village": v.pk, "point_lon": str(v.centroid_lon), "point_lat": str(v.centroid_lat),
                          "reason": "施工位置"})
    assert r.status_code == 302
