"""Map pages cost the same number of queries with 1,000 or 10,000 proposals (markers and shading included)."""
import itertools

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbcity.roles import Role
from pbcity.tests.factories import CycleFactory, staff
from places.models import Village
from places.tests.helpers import load_taipei
from proposals.models import Proposal


def _grow(total: int, cycle, villages):
    """Bulk proposals (raised, each in a village at its centroid; one in a hundred on exhibition) up to `total`."""
    from django.utils import timezone

    published = timezone.now()
    have = Proposal.objects.count()
    rows = []
    for i, v in zip(range(have, total), itertools.cycle(villages)):
        rows.append(Proposal(
            cycle=cycle, district_id=v.district_id, village=v, point_lon=v.centroid_lon, point_lat=v.centroid_lat,
            title=f"提案 {i}", problem="p", solution="s", location="", category="parks",
            state="on_exhibition" if i % 100 == 0 else "raised", published_at=published,
        ))
    Proposal.objects.bulk_create(rows, batch_size=2000)


def _count(client, url) -> int:
    reset_queries()  # the debug log is a deque of 9,000: once full, CaptureQueriesContext sees nothing new
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    assert 'class="place-map"' in r.content.decode(), url
    assert ctx.captured_queries, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_map_pages_query_counts_are_flat_from_1000_to_10000_proposals(client):
    districts = load_taipei()
    cycle = CycleFactory(year=2026)
    villages = list(Village.objects.order_by("code"))
    daan = districts["daan"]
    councillor = staff(Role.COUNCILLOR, district=daan)
    urls = [
        reverse("proposals:list"),
        reverse("proposals:list") + f"?district={daan.pk}",
        reverse("proposals:list") + f"?district={daan.pk}&q=提案",
        reverse("voting:exhibition_list"),
        reverse("voting:exhibition_list") + "?district=daan",
        reverse("proposals:oversight_district", args=["daan"]),
        reverse("tracking:district", args=["daan"]),
    ]
    client.force_login(councillor)
    counts = {}
    for size in (1000, 10000):
        _grow(size, cycle, villages)
        for url in urls:
            _count(client, url)  # warm: the outlines are computed once, then cached
        counts[size] = [_count(client, url) for url in urls]
    assert counts[1000] == counts[10000], counts
