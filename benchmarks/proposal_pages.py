"""Query count and render time of the proposal pages at 1,000 and 10,000 proposals.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://... \
        .venv/bin/python benchmarks/proposal_pages.py [--sizes 1000,10000] [--requests 30]

Creates a throwaway test database (Django's test-database machinery, like the test runner does),
fills it with proposals spread over every state, with proposers, consents, revisions, attachments,
co-agencies and transition-log rows, then requests each page through `django.test.Client` and prints
one Markdown table per size. Exits 1 if a page's query count changes with the number of proposals,
or if a request does not answer 200. The database is dropped at the end, also on failure.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import Counter, deque

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.urls import reverse
from django.utils import timezone

from pbcity.models import Agency, Cycle, District, User
from pbcity.roles import Role
from proposals.models import (
    Attachment,
    Consent,
    Proposal,
    ProposalProposer,
    ProposalRevision,
    TransitionLog,
)
from proposals.states import Category, ConsentKind, State

BATCH = 2000
DISTRICTS = [
    ("songshan", "松山區", "Songshan"), ("xinyi", "信義區", "Xinyi"), ("daan", "大安區", "Da'an"),
    ("zhongshan", "中山區", "Zhongshan"), ("zhongzheng", "中正區", "Zhongzheng"), ("datong", "大同區", "Datong"),
    ("wanhua", "萬華區", "Wanhua"), ("wenshan", "文山區", "Wenshan"), ("nangang", "南港區", "Nangang"),
    ("neihu", "內湖區", "Neihu"), ("shilin", "士林區", "Shilin"), ("beitou", "北投區", "Beitou"),
]
TITLES = [
    "公園增設遮陽棚", "人行道無障礙改善", "社區圖書角", "河濱自行車道照明", "長者共餐據點", "兒童遊戲場更新",
    "巷弄綠美化", "里民活動中心冷氣", "校園周邊通學步道", "社區防災演練", "公車站候車亭", "街角藝術牆",
]
TEXT = (
    "里民在住民大會提出：現況設施老舊、動線不佳，長者與孩童使用不便；希望改善照明、座椅與通行空間，"
    "並與里辦公處合作維護，讓不同年齡的居民都能安心使用。"
)


# -- the throwaway database ---------------------------------------------------------------

def transition_paths() -> dict[str, list[tuple[str, str, str]]]:
    """Shortest route from the initial state to every state, read from the real machine."""
    fsm = Proposal._meta.get_field("state")
    out: dict[str, list[tuple[str, str]]] = {}
    for t in fsm.get_all_transitions(Proposal):
        out.setdefault(t.source, []).append((t.name, t.target))
    start = str(fsm.default)
    paths = {start: []}
    queue = deque([start])
    while queue:
        s = queue.popleft()
        for name, target in sorted(out.get(s, [])):
            if target not in paths:
                paths[target] = [*paths[s], (name, s, target)]
                queue.append(target)
    return paths


class World:
    """The reference data and a generator of proposals with everything the pages prefetch."""

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.paths = transition_paths()
        self.districts = [District.objects.create(code=c, name=n, name_en=e, eligible_population=150000)
                          for c, n, e in DISTRICTS]
        self.cycles = [Cycle.objects.create(year=y, name=f"{y} 年參與式預算") for y in (2025, 2026)]
        self.agencies = Agency.objects.bulk_create(
            [Agency(code=f"bureau{i}", name=f"第{i}局處", name_en=f"Bureau {i}") for i in range(24)]
        )
        self.users = User.objects.bulk_create(
            [User(email=f"resident{i}@example.tw", name=f"市民{i}", password="!") for i in range(400)]
        )
        self.states = [s for s in State.values if s != State.MERGED]
        self.count = 0

    def _proposal(self, state: str, *, cycle=None, district=None, merged_into=None) -> Proposal:
        rng = self.rng
        self.count += 1
        has_agency = len(self.paths[state]) >= 3 and state not in (State.ASSEMBLY_REJECTED, State.EXCLUDED)
        return Proposal(
            cycle=cycle or rng.choice(self.cycles), district=district or rng.choice(self.districts),
            title=f"{rng.choice(TITLES)} {self.count}", problem=TEXT, solution=TEXT[::-1],
            location=f"{rng.choice(DISTRICTS)[1]}某里", estimated_cost=rng.randrange(1, 500) * 10000,
            category=rng.choice(Category.values), state=state,  # constructor only: the field is protected
            lead_agency=rng.choice(self.agencies) if has_agency else None, merged_into=merged_into,
            published_at=None if state == State.DRAFT else timezone.now(),  # bulk_create skips Proposal.save
        )

    def add(self, n: int) -> None:
        rng = self.rng
        merged = n // 30
        batch = [self._proposal(rng.choice(self.states)) for _ in range(n - merged)]
        created = Proposal.objects.bulk_create(batch, batch_size=BATCH)
        survivors = [p for p in created if p.state in (State.RAISED, State.ASSEMBLY_PASSED)] or created
        # Merged proposals point at a survivor of the same cycle and district (a check constraint).
        merged_rows = [
            self._proposal(State.MERGED, cycle=t.cycle, district=t.district, merged_into=t)
            for t in (rng.choice(survivors) for _ in range(merged))
        ]
        created += Proposal.objects.bulk_create(merged_rows, batch_size=BATCH)
        self._relations(created)

    def _relations(self, proposals: list[Proposal], rich: bool = False) -> None:
        rng = self.rng
        proposers, logs, revisions, attachments, co = [], [], [], [], []
        through = Proposal.co_agencies.through
        for p in proposals:
            n_prop = 3 if rich else rng.randint(1, 3)
            for u in rng.sample(self.users, n_prop):
                walk_in = not rich and rng.random() < 0.3
                proposers.append(ProposalProposer(proposal=p, user=None if walk_in else u, name=u.name,
                                                  contact="0912-345-678" if walk_in else ""))
            for name, src, dst in self.paths[p.state]:
                logs.append(TransitionLog(proposal=p, transition=name, from_state=src, to_state=dst,
                                          actor=rng.choice(self.users), reason="依會議紀錄辦理。"))
            for number in range(1, 3 if rich else rng.choice((2, 2, 3))):
                revisions.append(ProposalRevision(proposal=p, number=number, title=p.title, problem=p.problem,
                                                  solution=p.solution, location=p.location,
                                                  estimated_cost=p.estimated_cost, note="修正文字"))
            if rich or rng.random() < 0.1:
                for i in range(2 if rich else 1):
                    attachments.append(Attachment(proposal=p, file=f"proposals/{p.pk}/plan{i}.pdf",
                                                  original_name=f"計畫書{i}.pdf", content_type="application/pdf",
                                                  size=123456))
            if p.lead_agency_id:
                others = [a for a in self.agencies if a.pk != p.lead_agency_id]
                for a in rng.sample(others, 2 if rich else rng.choice((0, 0, 1, 2))):
                    co.append(through(proposal_id=p.pk, agency_id=a.pk))
        proposers = ProposalProposer.objects.bulk_create(proposers, batch_size=BATCH)
        consents = [Consent(proposer=pp, kind=rng.choice(ConsentKind.values), given=rng.random() < 0.8)
                    for pp in proposers if rich or rng.random() < 0.3]
        Consent.objects.bulk_create(consents, batch_size=BATCH)
        TransitionLog.objects.bulk_create(logs, batch_size=BATCH)
        ProposalRevision.objects.bulk_create(revisions, batch_size=BATCH)
        Attachment.objects.bulk_create(attachments, batch_size=BATCH)
        through.objects.bulk_create(co, batch_size=BATCH)

    def showcase(self, state: str) -> Proposal:
        """A proposal with every kind of related row, measured at every size."""
        p = Proposal.objects.bulk_create([self._proposal(state, cycle=self.cycles[1], district=self.districts[2])])[0]
        self._relations([p], rich=True)
        return p


def staff_user(district: District) -> User:
    from pbcity.tests.factories import UserFactory, give_role  # factory_boy comes with requirements-test.txt

    return give_role(UserFactory(email="office@example.tw", name="大安區公所"), Role.DISTRICT_OFFICE, district=district)


# -- measuring ------------------------------------------------------------------------------

_NUMBERS = re.compile(r"\b\d+\b|'[^']*'")


def repeated(queries) -> int:
    """Statements run more than once with only literals changed: the signature of an N+1."""
    shapes = Counter(_NUMBERS.sub("?", q["sql"]) for q in queries)
    return sum(n - 1 for n in shapes.values() if n > 1)


class SqlTimer:
    """Time spent in the database driver during one request (finer than the debug log's 1 ms)."""

    def __init__(self):
        self.total = 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - t0


def capture() -> CaptureQueriesContext:
    # The debug query log is a deque of 9,000: once full, CaptureQueriesContext sees nothing new.
    reset_queries()
    return CaptureQueriesContext(connection)


def measure(client: Client, url: str, n: int) -> dict:
    with capture() as ctx:
        resp = client.get(url)
    queries = list(ctx.captured_queries)  # a lazy view of the log: copy before the next request resets it
    if resp.status_code != 200:
        raise SystemExit(f"{url} answered {resp.status_code}")
    for _ in range(2):  # warm-up: template loading, translations, connection
        client.get(url)
    times, sql_times = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    for _ in range(min(n, 10)):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        sql_times.append(timer.total * 1000)
    times.sort()
    return {
        "queries": len(queries),
        "repeated": repeated(queries),
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "sql": statistics.median(sql_times),
        "bytes": len(resp.content),
        "sql_text": [q["sql"] for q in queries],
    }


def explain(world: World) -> None:
    """The plans behind the list page: its count and its first page, plain and with text search."""
    from proposals.selectors import proposal_list

    print("<details><summary>PostgreSQL plans of the list queries</summary>\n\n```")
    for label, qs in (("list", proposal_list()), ("search 遮陽", proposal_list(text="遮陽"))):
        for what, q in (("count", qs.order_by()), ("first page", qs[:20])):
            if what == "count":
                with connection.cursor() as cur:
                    sql, params = q.values("pk").query.sql_with_params()
                    cur.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) AS sub", params)
                    plan = [r[0] for r in cur.fetchall()]
            else:
                plan = q.explain(analyze=True).splitlines()
            print(f"-- {label}, {what}")
            for line in plan:
                if "->" in line or line.lstrip().startswith(("Limit", "Aggregate", "Sort ", "Seq Scan", "Index",
                                                                "Execution Time", "Sort Method", "Filter")):
                    print(f"   {line.strip()[:150]}")
    print("```\n</details>\n")


def pages(world: World, show: Proposal, raised: Proposal) -> list[tuple[str, str, bool]]:
    lst = reverse("proposals:list")
    d = world.districts[2]
    return [
        ("list, first page", lst, False),
        ("list, filtered (district + category)", f"{lst}?district={d.pk}&category=parks", False),
        ("list, text search 「遮陽」", f"{lst}?q=遮陽", False),
        ("list, page 10", f"{lst}?page=10", False),
        ("detail (anonymous)", show.get_absolute_url(), False),
        ("detail (district office, with actions)", raised.get_absolute_url(), True),
    ]


def run(sizes: list[int], n: int, verbose: bool) -> int:
    with connection.cursor() as cur:
        server = connection.vendor + (f" {cur.connection.info.server_version}" if connection.vendor == "postgresql"
                                      else "")
    print(f"# proposal pages, {server}, {n} requests per page (median / 90th percentile, ms)\n")
    world = World()
    show = world.showcase(State.IN_EXECUTION)
    raised = world.showcase(State.RAISED)
    office = staff_user(world.districts[2])
    anon, staff = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    staff.force_login(office)
    results: dict[int, dict[str, dict]] = {}
    for size in sizes:
        t0 = time.perf_counter()
        world.add(size - Proposal.objects.count())
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("ANALYZE")
        fill = time.perf_counter() - t0
        counts = {m.__name__: m.objects.count() for m in (Proposal, ProposalProposer, TransitionLog, Consent)}
        counts["co-agency links"] = Proposal.co_agencies.through.objects.count()
        print(f"## {size:,} proposals (filled in {fill:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + ")\n")
        print("| page | queries | repeated | median ms | p90 ms | SQL ms | KiB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        results[size] = {}
        for label, url, as_staff in pages(world, show, raised):
            r = measure(staff if as_staff else anon, url, n)
            results[size][label] = r
            print(f"| {label} | {r['queries']} | {r['repeated']} | {r['median']:.1f} | {r['p90']:.1f} "
                  f"| {r['sql']:.1f} | {r['bytes'] / 1024:.0f} |")
            if verbose:
                for sql in r["sql_text"]:
                    print(f"    {sql[:300]}")
        print()
        if connection.vendor == "postgresql":
            explain(world)
    flat = True
    print("## Query count against the number of proposals\n")
    print("| page | " + " | ".join(f"{s:,}" for s in sizes) + " | flat |")
    print("|---|" + "---:|" * len(sizes) + "---|")
    for label in results[sizes[0]]:
        qs = [results[s][label]["queries"] for s in sizes]
        ok = len(set(qs)) == 1
        flat &= ok
        print(f"| {label} | " + " | ".join(map(str, qs)) + f" | {'yes' if ok else 'NO'} |")
    print()
    return 0 if flat else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="proposal counts, ascending (default 1000,10000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--verbose", action="store_true", help="print every SQL statement of each page")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        return run(sizes, args.requests, args.verbose)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
