import pytest

from places import geometry
from places.models import PlaceChange
from proposals.models import Proposal
from tracking.models import Project


@pytest.mark.django_db
def test_every_demo_proposal_is_in_a_village_of_its_district_and_every_point_in_its_village(demo_city):
    proposals = list(Proposal.objects.select_related("village"))
    assert len(proposals) >= 60
    for p in proposals:
        assert p.village is not None, p.title
        assert p.village.district_id == p.district_id, p.title
        assert geometry.contains(p.village.boundary, p.point_lon, p.point_lat), p.title
    projects = list(Project.objects.select_related("proposal__village"))
    assert projects and all(geometry.contains(pr.proposal.village.boundary, *pr.place_point) for pr in projects)
    refined = [pr for pr in projects if pr.point_lon is not None]
    assert len(refined) == 1 and PlaceChange.objects.filter(subject="project", subject_id=refined[0].pk).exists()
    # again: nothing moves, nothing is added to the trail
    changes = PlaceChange.objects.count()
    from pbcity.demo import reference_data, users
    from portal.demo import place_demo_items

    ref = reference_data()
    assert place_demo_items({**ref, "users": users(ref)}) == 0
    assert PlaceChange.objects.count() == changes
