"""What a quarter's reports cost: N projects, each report built (WeasyPrint PDF), stored and e-mailed once.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://owner@... \
        .venv/bin/python benchmarks/quarterly_reports.py [--reports 1000] [--processes 2] [--reference REV]

On a throwaway test database (created and dropped like the test runner does): `reports` projects in
execution, each with three milestones, two budget figures, one proposer and two committee members as
recipients. Then `--processes` worker processes (like a Celery worker with that concurrency: fresh
Python processes, each loading Django, WeasyPrint and the fonts once) run `tracking.reports.report_make`
— claim, build, deliver — over their share of the projects, each e-mail encoded as SMTP would send it.

Prints wall time and **CPU seconds per report**: user + system time of the worker processes (their whole
life, start-up included) plus their PostgreSQL backends and the server's background processes (WAL
writer, checkpointer, …) over the run, from /proc. Wall time moves with whatever else shares the box;
CPU per report hardly does, and `cores / CPU per report` is what an idle box would reach. Also the peak
resident memory per process (after the first 20 reports and at the end, to see whether it grows), the
PDF size, and a check that every report was built once and every recipient's e-mail sent once.

`--reference REV` measures that commit first, in the same invocation, on the same database server (its
own half of the projects): `git archive REV` in a temporary directory sharing this `.venv`, workers
importing that tree's code. The ratio of CPU per report survives a noisy shared box.

`--profile` runs one worker per tree under cProfile instead (first report as warm-up).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and "--worker" in sys.argv:
    # A worker imports the measured tree's code (this checkout or the reference) ahead of this one's.
    _tree = sys.argv[sys.argv.index("--tree") + 1]
    sys.path[:0] = [_tree, str(ROOT)]  # ROOT listed too, so django_setup does not put it first

import django_setup  # noqa: E402,F401  (the repository on the path, Django set up: before project imports)
from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from measure import cpu_seconds, ppid, reference_tree  # noqa: E402

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


SENT = []  # messages encoded by this worker process


class EncodeOnlyBackend:
    """Builds each message's bytes as Django's SMTP backend does (MIME, the PDF in base64, CRLF), then
    drops them: the test settings' locmem backend would keep every PDF in memory and inflate the peak."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for m in messages:
            m.message().as_bytes(linesep="\r\n")
            SENT.append(m.to[0])
        return len(messages)






def _backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _rss_peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker_main(ids: list[int], profile: bool) -> dict:
    """One worker process: the per-project job the Celery task runs, over its share of the projects."""
    from django.test.utils import override_settings

    from tracking import reports

    backends, peak_early = set(), 0
    with override_settings(EMAIL_BACKEND="__main__.EncodeOnlyBackend"):
        if profile:
            import cProfile
            import pstats

            reports.report_make(project_id=ids[0], quarter=Q)  # warm up: WeasyPrint and fonts load once
            profiler = cProfile.Profile(time.process_time)  # CPU, not waiting: the box is shared
            profiler.runcall(lambda: [reports.report_make(project_id=pk, quarter=Q) for pk in ids[1:]])
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(30)
        else:
            for i, pk in enumerate(ids):
                reports.report_make(project_id=pk, quarter=Q)
                backends.add(_backend_pid())  # one persistent connection; counted in case it changes
                if i == 19:
                    peak_early = _rss_peak_kib()
    backend_cpu = cpu_seconds(backends)  # before closing: a closed backend's time is gone from /proc
    connections.close_all()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"reports": len(ids), "sent": len(SENT), "recipients": sorted(set(SENT)), "backend_cpu": backend_cpu,
            "self_cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss, "peak_early_kib": peak_early}




def server_aux_pids() -> list[int]:
    """The PostgreSQL server's processes other than client backends that exist now (postmaster, WAL writer,
    checkpointer, …); with this process's own backend excluded."""
    mine = _backend_pid()
    postmaster = ppid(mine)
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and ppid(int(p.name)) == postmaster]
    return [postmaster, *(pid for pid in children if pid != mine)]


def measure(tree: Path, ids: list[int], processes: int, profile: bool) -> dict:
    """`processes` workers from `tree` over `ids`; wall time, CPU and what each worker reports."""
    s = connection.settings_dict
    media = Path(tempfile.mkdtemp(prefix="reports-bench-media-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pbcity.settings.test", "MEDIA_ROOT": str(media),
           "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"}
    env.pop("DATABASE_OWNER_URL", None)
    shares = [ids[i::processes] for i in range(processes)]
    id_files = []
    for i, share in enumerate(shares):
        f = media / f"ids-{i}.json"
        f.write_text(json.dumps(share))
        id_files.append(f)
    aux = server_aux_pids()
    connections.close_all()
    load_before = os.getloadavg()[0]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    aux_before = cpu_seconds(aux)
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", "--tree", str(tree), "--ids", str(f),
                               *(["--profile"] if profile else [])],
                              cwd=tree, env=env, stdout=subprocess.PIPE) for f in id_files]
    outs = [p.communicate()[0] for p in procs]
    took = time.perf_counter() - started
    aux_cpu = cpu_seconds(aux) - aux_before
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if any(p.returncode for p in procs):
        raise SystemExit(f"a worker failed in {tree}")
    workers = [json.loads(o.decode().strip().splitlines()[-1]) for o in outs]
    worker_cpu = ((children_after.ru_utime + children_after.ru_stime)
                  - (children_before.ru_utime + children_before.ru_stime))
    sizes = [p.stat().st_size for p in media.rglob("*.pdf")][:50]
    shutil.rmtree(media, ignore_errors=True)
    return {"wall": took, "load": (load_before, os.getloadavg()[0]), "worker_cpu": worker_cpu,
            "db_cpu": sum(w["backend_cpu"] for w in workers) + aux_cpu, "workers": workers,
            "pdf_kib": sum(sizes) / len(sizes) / 1024 if sizes else 0.0}


def exactly_once(ids: list[int], result: dict) -> str:
    """Every report built once and sent; every recipient's e-mail sent once (inbox rows and encoded mails)."""
    from pbcity.models import Notification, OutgoingMail
    from tracking.models import QuarterlyReport

    rows = QuarterlyReport.objects.filter(quarter=Q, project_id__in=ids)
    built_sent = rows.filter(status="sent", builds=1).count()
    keys = [f"quarterly-report:{pk}" for pk in rows.values_list("pk", flat=True)]
    emailed = Notification.objects.filter(key__in=keys, emailed_at__isnull=False).count()
    encoded = sum(w["sent"] for w in result["workers"])
    recipients = len({r for w in result["workers"] for r in w["recipients"]})
    kept = OutgoingMail.objects.count()
    ok = built_sent == len(ids) and emailed == encoded == recipients * len(ids) and kept == 0
    return (f"{'yes' if ok else 'NO'}: {built_sent:,} built once and sent, {emailed:,} inbox rows e-mailed, "
            f"{encoded:,} e-mails encoded ({recipients} recipients each), {kept} left in the mail outbox")


def run(args) -> int:
    reference = reference_tree(args.reference, prefix="reports-bench-ref-") if args.reference else None
    trees = [("reference " + args.reference, reference)] if args.reference else []
    trees.append(("this tree", ROOT))
    started = time.perf_counter()
    n = args.reports
    ids = populate(n * len(trees))
    print(f"Populated {n * len(trees):,} projects in {time.perf_counter() - started:.1f} s", flush=True)
    results, status = [], 0
    try:  # a deployment builds the cut CJK font once (manage.py pdf_fonts); not part of any report's cost
        from pbcity.pdf import cjk_subset_path

        started = time.perf_counter()
        print(f"CJK font subset: {cjk_subset_path()} ({time.perf_counter() - started:.1f} s)", flush=True)
    except ImportError:  # this tree has none
        pass
    for i, (name, tree) in enumerate(trees):
        share = ids[i * n:(i + 1) * n]
        print(f"Measuring {name} ({tree}) …", flush=True)
        result = measure(tree, share, args.processes, args.profile)
        if not args.profile:
            result["once"] = exactly_once(share, result)
            status |= not result["once"].startswith("yes")
        results.append((name, result))
        if tree != ROOT:
            shutil.rmtree(tree, ignore_errors=True)
    if args.profile:
        return 0
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    print(f"\nmachine: {os.cpu_count()} cores; {n:,} reports per tree, {args.processes} worker processes; "
          f"this tree at {git.stdout.strip()} (+ working copy)\n")
    print("| code | load before → after | wall time (s) | reports/s | worker CPU (s) | PostgreSQL CPU (s) | "
          "**CPU per report (s)** | 1,000 reports on 2 idle cores | peak RSS per process after 20 / at the end "
          "(MiB) | PDF size (KiB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    per = {}
    for name, r in results:
        cpu = (r["worker_cpu"] + r["db_cpu"]) / n
        per[name] = cpu
        early = max(w["peak_early_kib"] for w in r["workers"]) / 1024
        peak = max(w["peak_kib"] for w in r["workers"]) / 1024
        print(f"| {name} | {r['load'][0]:.1f} → {r['load'][1]:.1f} | {r['wall']:.1f} | {n / r['wall']:.1f} | "
              f"{r['worker_cpu']:.1f} | {r['db_cpu']:.1f} | **{cpu:.3f}** | {cpu * 1000 / 2:.0f} s | "
              f"{early:.0f} / {peak:.0f} | {r['pdf_kib']:.0f} |")
    print()
    for name, r in results:
        print(f"every report built and sent exactly once ({name}): {r['once']}")
    if len(per) == 2:
        (ref, ref_cpu), (_cur, cur_cpu) = per.items()
        print(f"CPU per report, this tree / {ref}: {cur_cpu / ref_cpu:.2f}")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1000, help="per tree measured")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--reference", default="", help="a commit to measure first in the same run (e.g. HEAD~3)")
    parser.add_argument("--profile", action="store_true",
                        help="one worker per tree under cProfile (cumulative and own-time tops, on stderr)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--ids", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker_main(json.loads(Path(args.ids).read_text()), args.profile)))
        return 0
    if args.profile:
        args.processes = 1
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        return run(args)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
