"""Maps of places: loading the boundaries, drawing the outlines, and the map pages at 1,000 and 10,000 proposals.

    scripts/bench_places.sh [--sizes 1000,10000] [--requests 10]

Creates a throwaway test database, times `places_load` (Taipei's 456 villages), the outlines of the city and of
each district drawn cold (projection and simplification, then cached), then fills it with proposals placed at
random points of random villages (1 in 100 on exhibition) and requests each map page through
`django.test.Client`, printing query counts and median render times (docs/performance.md, "Maps of places").
Exits 1 if a page's query count changes with the number of proposals. The database is dropped at the end.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.urls import reverse
from django.utils import timezone

from evaluation.places_data import village_statistics
from pbcity.models import Cycle, District
from pbcity.reference import DISTRICTS
from places import svg
from places.models import Village
from places.selectors import city_outlines, district_outlines
from places.services import places_load
from proposals.models import Proposal


def timed(fn, repeat: int = 1) -> tuple[object, float]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def setup_city() -> list[str]:
    for code, name, name_en, pop in DISTRICTS:
        District.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en,
                                                            "eligible_population": pop})
    Cycle.objects.get_or_create(year=2026, defaults={"name": "2026 年臺北市參與式預算"})
    _, t_load = timed(places_load)
    svg._local.clear()
    from django.core.cache import cache

    cache.clear()
    _, t_city = timed(city_outlines)
    district_times = []
    for d in District.objects.all():
        _, t = timed(lambda d=d: district_outlines(d.pk))
        district_times.append(t)
    svg._local.clear()
    _, t_warm = timed(city_outlines, repeat=20)
    return [
        "| step | time |", "|---|---|",
        f"| `places_load` (456 villages, 12 district outlines) | {t_load * 1000:.0f} ms |",
        f"| city outlines, cold (12 districts: project, simplify) | {t_city * 1000:.0f} ms |",
        f"| one district's outlines, cold (median of 12) | {statistics.median(district_times) * 1000:.0f} ms |",
        f"| outlines from the shared cache (another process) | {t_warm * 1000:.1f} ms |",
    ]


def grow(total: int) -> None:
    rnd = random.Random(total)
    cycle = Cycle.objects.get(year=2026)
    villages = list(Village.objects.all())
    have, now, rows = Proposal.objects.count(), timezone.now(), []
    for i in range(have, total):
        v = rnd.choice(villages)
        rows.append(Proposal(cycle=cycle, district_id=v.district_id, village=v, point_lon=v.centroid_lon,
                             point_lat=v.centroid_lat, title=f"提案 {i}", problem="p", solution="s",
                             category="parks", state="on_exhibition" if i % 100 == 0 else "raised",
                             published_at=now))
    Proposal.objects.bulk_create(rows, batch_size=2000)


def pages() -> list[tuple[str, str]]:
    daan = District.objects.get(code="daan")
    return [
        ("proposal list, city map", reverse("proposals:list")),
        ("proposal list, Da'an's villages", reverse("proposals:list") + f"?district={daan.pk}"),
        ("exhibition, city map", reverse("voting:exhibition_list")),
        ("exhibition, Da'an", reverse("voting:exhibition_list") + "?district=daan"),
        ("district projects (tracking)", reverse("tracking:district", args=["daan"])),
        ("councillor's page", reverse("proposals:oversight_district", args=["daan"])),
        ("open data by village (CSV)", reverse("evaluation:places_csv", args=[2026])),
    ]


def measure(client, url: str, requests: int) -> tuple[int, float]:
    client.get(url)  # warm the outlines
    reset_queries()  # the debug log is a deque of 9,000: once full, CaptureQueriesContext sees nothing new
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    queries = len(ctx.captured_queries)  # a lazy view of the log: count it before the next request resets it
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - t)
    return queries, statistics.median(times)


def run(sizes: list[int], requests: int) -> int:
    print("\n".join(setup_city()))
    from pbcity.roles import Role
    from pbcity.tests.factories import staff  # a staff account with its second factor, as the tests make them

    councillor = staff(Role.COUNCILLOR, district=District.objects.get(code="daan"))
    client = Client()
    client.force_login(councillor)
    results = {}
    for size in sizes:
        grow(size)
        results[size] = {name: measure(client, url, requests) for name, url in pages()}
        _, t_stats = timed(lambda: village_statistics(cycle=Cycle.objects.get(year=2026)))
        results[size]["village_statistics (selector)"] = (None, t_stats)
    print()
    print("| page | " + " | ".join(f"{s:,} proposals: queries / median" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in results[sizes[0]]:
        cells = [f"{'' if results[s][name][0] is None else results[s][name][0]} / "
                 f"{results[s][name][1] * 1000:.0f} ms" for s in sizes]
        print(f"| {name} | " + " | ".join(cells) + " |")
    grew = [n for n in results[sizes[0]] if len({results[s][n][0] for s in sizes}) > 1]
    if grew:
        print(f"query counts grew with the data: {grew}", file=sys.stderr)
    return 1 if grew else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        return run(sizes, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
