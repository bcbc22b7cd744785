"""What a quarter's reports cost: N projects, each report built (WeasyPrint PDF), stored and e-mailed once.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://owner@... \
        .venv/bin/python benchmarks/quarterly_reports.py [--reports 1000] [--processes 2]

On a throwaway test database (created and dropped like the test runner does): `reports` projects in
execution, each with three milestones, two budget figures, one proposer and two committee members as
recipients. Then `--processes` worker processes (like a Celery worker with that concurrency) run
`tracking.reports.report_make` — claim, build, deliver — over their share of the projects. Prints the
wall time, reports per second, and the peak resident memory of the largest process.
"""
from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import resource
import sys
import time

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.db import connection, connections
from django.test.utils import setup_test_environment, teardown_test_environment

Q = "2026Q4"


def populate(n: int) -> list[int]:
    from django.utils import timezone

    from pbcity.roles import Role
    from pbcity.tests.factories import AgencyFactory, CycleFactory, DistrictFactory, UserFactory, staff
    from proposals.models import Proposal, ProposalProposer
    from tracking.models import BudgetFigure, Milestone, Project

    cycle, district = CycleFactory(year=2026), DistrictFactory(code="daan", name="大安區", name_en="Da'an")
    lead, co = AgencyFactory(name="公園路燈工程管理處"), AgencyFactory(name="民政局")
    proposer, actor = UserFactory(name="王小明"), staff(Role.AGENCY, agency=lead)
    staff(Role.COMMITTEE), staff(Role.COMMITTEE)
    proposals = Proposal.objects.bulk_create([
        Proposal(cycle=cycle, district=district, title=f"公園增設遮陽棚與飲水機 第{i}案", problem="夏季沒有遮蔭。",
                 solution="增設遮陽棚兩座。", category="parks", lead_agency=lead, state="in_execution",
                 published_at=timezone.now(),
                 estimated_cost=850000)
        for i in range(n)
    ])
    ProposalProposer.objects.bulk_create([ProposalProposer(proposal=p, user=proposer, name="王小明")
                                          for p in proposals])
    projects = Project.objects.bulk_create([Project(proposal=p, lead_agency=lead) for p in proposals])
    today = datetime.date(2026, 12, 1)
    Milestone.objects.bulk_create([
        Milestone(project=pr, agency=lead if k < 2 else co, title=title, planned_end=today, status=status,
                  percent=pct, actual_end=today if status == "done" else None, last_update_on=today,
                  updated_by=actor, public_note="依計畫進行。")
        for pr in projects
        for k, (title, status, pct) in enumerate((("規劃設計", "done", 100), ("施工", "on_track", 40),
                                                   ("里民說明會", "on_track", 50)))
    ])
    BudgetFigure.objects.bulk_create([
        BudgetFigure(project=pr, kind=kind, amount=amount, as_of=today, recorded_by=actor)
        for pr in projects for kind, amount in (("planned", 850000), ("executed", 400000))
    ])
    return [pr.pk for pr in projects]


class EncodeOnlyBackend:
    """Builds each message's bytes (MIME, the PDF in base64) as SMTP would, then drops them: the test
    settings' locmem backend would keep every PDF in memory and inflate the peak."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for m in messages:
            m.message().as_bytes()
        return len(messages)


def work(ids: list[int]) -> int:
    """One worker process: the same per-project job the Celery task runs. Returns its peak RSS (KiB)."""
    connections.close_all()  # never share the parent's connection across fork
    from django.test.utils import override_settings

    from tracking import reports

    with override_settings(EMAIL_BACKEND="__main__.EncodeOnlyBackend"):
        for pk in ids:
            reports.report_make(project_id=pk, quarter=Q)
    connections.close_all()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(n: int, processes: int) -> None:
    from tracking.models import QuarterlyReport

    started = time.perf_counter()
    ids = populate(n)
    print(f"Populated {n} projects in {time.perf_counter() - started:.1f} s")
    connections.close_all()
    shares = [ids[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        peaks = pool.map(work, shares)
    took = time.perf_counter() - started
    sent = QuarterlyReport.objects.filter(quarter=Q, status="sent", builds=1).count()
    assert sent == n, (sent, n)
    sizes = [r.pdf.size for r in QuarterlyReport.objects.filter(quarter=Q)[:20]]
    for r in QuarterlyReport.objects.filter(quarter=Q):
        r.pdf.delete(save=False)
    print("\n| reports | processes | wall time (s) | reports/s | s per report per process | peak RSS per process "
          "(MiB) | PDF size (KiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {n:,} | {processes} | {took:.1f} | {n / took:.1f} | {took * processes / n:.3f} | "
          f"{max(peaks) / 1024:.0f} | {sum(sizes) / len(sizes) / 1024:.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--profile", action="store_true", help="one process, in-process, with cProfile's top 25")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        if args.profile:
            import cProfile
            import pstats

            ids = populate(args.reports)
            work(ids[:1])  # warm up: WeasyPrint and fonts load once per process
            profiler = cProfile.Profile()
            profiler.runcall(work, ids[1:])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        else:
            run(args.reports, args.processes)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
