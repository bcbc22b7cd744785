"""Query plan and time of the proposal search at 1,000 and 10,000 proposals (PostgreSQL).

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://... \
        .venv/bin/python benchmarks/search_plan.py [--sizes 1000,10000] [--repeat 5]

Creates a throwaway test database (all migrations, so the GIN index of pbcity.search), bulk-loads
proposals whose text mixes a vocabulary of Chinese phrases and a few English words (so words are
common or rare as in real proposals), then for a 2-character Chinese query, a 4-character one and an
English word prints the `EXPLAIN (ANALYZE, BUFFERS)` plan of the proposal list's search
(`proposals.selectors.proposal_list(text=…)`, the query the page runs) and the median execution time of
`--repeat` runs, beside the `icontains` scan the list used before. Exits 1 if the search at the largest
size does not use the index. The database is dropped at the end, also on failure.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbcity.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from pbcity.models import Cycle, District  # noqa: E402
from proposals.models import Proposal  # noqa: E402
from proposals.selectors import proposal_list  # noqa: E402
from proposals.states import State  # noqa: E402

INDEX = "proposal_search_grams"
QUERIES = [("2-character Chinese", "遮陽"), ("4-character Chinese", "通學步道"), ("English word", "shade")]
# Phrases proposals are made of; the rarer ones make the queries selective as real words are.
COMMON = ["里民", "社區", "改善", "設施", "安全", "長者", "兒童", "照明", "人行道", "綠美化", "活動中心",
          "公園", "增設", "維護", "老舊", "動線", "座椅", "無障礙", "防災", "圖書角"]
RARE = ["遮陽棚", "通學步道", "自行車道", "候車亭", "藝術牆", "共餐據點", "飲水機", "雨水花園"]
ENGLISH = ["shade", "bike", "library", "ramp", "bench", "lighting"]


def text(rng: random.Random, n: int) -> str:
    # Each rare phrase and each English word ends up in about 1 % of proposals (three texts each).
    words = [rng.choice(COMMON) for _ in range(n)]
    if rng.random() < 0.027:
        words.insert(rng.randrange(n), rng.choice(RARE))
    if rng.random() < 0.02:
        words.append(rng.choice(ENGLISH))
    return "，".join(words) + "。"


def load(n: int, start: int, rng: random.Random, cycle, districts) -> None:
    rows = [
        Proposal(cycle=cycle, district=rng.choice(districts), title=f"{text(rng, 3)[:-1]} {start + i}",
                 problem=text(rng, 25), solution=text(rng, 20), location=f"{rng.choice(districts).name}某里",
                 state=State.RAISED, published_at=timezone.now())
        for i in range(n)
    ]
    Proposal.objects.bulk_create(rows, batch_size=2000)  # pbcity.search fills search_document


def explain(sql: str, params) -> tuple[str, float]:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    return plan, float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))


def median_ms(qs, repeat: int) -> tuple[str, float]:
    sql, params = qs.query.sql_with_params()
    plans = [explain(sql, params) for _ in range(repeat)]
    return plans[-1][0], statistics.median(t for _, t in plans)


def old_scan(word: str):
    """The list's search before pbcity.search: an icontains per word over four columns."""
    return Proposal.objects.public().filter(Q(title__icontains=word) | Q(problem__icontains=word)
                                            | Q(solution__icontains=word) | Q(location__icontains=word))


def run(sizes: list[int], repeat: int) -> int:
    rng = random.Random(2026)
    districts = [District.objects.create(code=f"d{i}", name=f"第{i}區", name_en=f"District {i}") for i in range(12)]
    cycle = Cycle.objects.create(year=2026, name="2026 年參與式預算")
    loaded, used_index = 0, False
    summary = []
    for size in sizes:
        load(size - loaded, loaded, rng, cycle, districts)
        loaded = size
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE proposals_proposal")
        print(f"\n## {size:,} proposals\n")
        for label, q in QUERIES:
            # What the list page runs: its first page (20 rows, newest first) and the count.
            qs = proposal_list(text=q)
            plan, page_ms = median_ms(qs[:20], repeat)
            _, count_ms = median_ms(qs.values("pk"), repeat)
            hits = qs.count()
            _, old_ms = median_ms(old_scan(q).values("pk"), repeat)
            uses = f"Bitmap Index Scan on {INDEX}" in plan
            used_index = uses if size == sizes[-1] else used_index
            summary.append((size, label, q, hits, page_ms, count_ms, old_ms, uses))
            print(f"### {label} «{q}»: {hits} matches; first page median {page_ms:.2f} ms, all matches "
                  f"{count_ms:.2f} ms (icontains scan {old_ms:.2f} ms)\n")
            print("```\n" + plan + "\n```\n")
    print("\n| proposals | query | matches | first page (ms) | all matches (ms) | icontains scan (ms) | GIN index |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for size, label, q, hits, page_ms, count_ms, old_ms, uses in summary:
        print(f"| {size:,} | {label} «{q}» | {hits} | {page_ms:.2f} | {count_ms:.2f} | {old_ms:.2f} | "
              f"{'yes' if uses else 'NO'} |")
    return 0 if used_index else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="proposal counts, ascending (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=5, help="EXPLAIN ANALYZE runs per query (default 5)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("search_plan.py needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 2
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        return run(sorted(int(s) for s in args.sizes.split(",")), args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
