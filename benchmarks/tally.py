"""The Taipei tally of 1,000,000 ballots: counting in PostgreSQL, then the rule.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://owner@host:port/db \
        .venv/bin/python benchmarks/tally.py [--ballots 1000000] [--projects 12] [--repeat 5]

(`bash scripts/bench.sh` runs it on a private PostgreSQL.) Creates a throwaway database, one closed
round with `--projects` projects and `--ballots` approval ballots of 1–5 choices (popular projects
chosen more often), written by SQL (generate_series) straight into voting_ballot / voting_ballotchoice.
Times `voting.services.tally.round_scores` (one GROUP BY over the choices) plus the registered Taipei
rule, the way the tally task runs them, and the pure counting path (`rules.score_of_value` summed over ballots
held in memory) for comparison; prints a Markdown table of medians.
"""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone

from pbcity.models import Cycle, District, User
from proposals.models import Proposal
from voting import rules
from voting.models import Round, RoundProject
from voting.services.tally import round_scores


def populate(n_ballots: int, n_projects: int) -> tuple[Round, list[int]]:
    district = District.objects.create(code="daan", name="大安區", name_en="Da'an", eligible_population=268000)
    cycle = Cycle.objects.create(year=2026, name="2026")
    staff = User.objects.create(email="civil@example.tw", password="!")
    projects = Proposal.objects.bulk_create([
        Proposal(cycle=cycle, district=district, title=f"提案 {i}", problem="p", solution="s", category="parks",
                 state="in_vote", published_at=timezone.now()) for i in range(n_projects)])
    now = timezone.now()
    r = Round.objects.create(cycle=cycle, district=district, opens_at=now - datetime.timedelta(days=2),
                             closes_at=now - datetime.timedelta(days=1), threshold=2680, threshold_basis="1%",
                             admission_cap=5, created_by=staff, public_key="0" * 64)
    RoundProject.objects.bulk_create([RoundProject(round=r, proposal=p, position=i)
                                      for i, p in enumerate(projects, start=1)])
    ids = [p.pk for p in projects]
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.2026)")
        cur.execute("INSERT INTO voting_ballot (id, round_id, receipt) "
                    "SELECT gen_random_uuid(), %s, lpad(g::text, 19, '0') FROM generate_series(1, %s) g",
                    [r.pk, n_ballots])
        # Each ballot picks k = 1..5 projects; project j is picked with a weight falling with j.
        cur.execute("""
            INSERT INTO voting_ballotchoice (ballot_id, round_id, proposal_id, value)
            SELECT DISTINCT ON (b.id, p) b.id, %s, p, 1  -- the outer references make each row draw anew
            FROM voting_ballot b
            CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 5)::int + 0 * length(b.receipt)) k
            CROSS JOIN LATERAL (SELECT (%s::bigint[])[1 + floor(power(random(), 1.6) * %s)::int + 0 * k] AS p) pick
            WHERE b.round_id = %s
        """, [r.pk, ids, len(ids), r.pk])
        cur.execute("ANALYZE voting_ballotchoice")
        cur.execute("SELECT count(*) FROM voting_ballotchoice")
        n_choices = cur.fetchone()[0]
    Round.objects.filter(pk=r.pk).update(status="open")
    # As if the ballot box had been opened: the board is what the tally reads.
    Round.objects.filter(pk=r.pk).update(status="closed", box_size=n_ballots, box_head="x" * 64,
                                         board_size=n_ballots, board_head="x" * 64)
    r.refresh_from_db()
    print(f"{n_ballots} ballots, {n_choices} choices")
    return r, ids


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _i in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def count_in_memory(spec, ballots, keys) -> dict:
    """The tally's sum (round_scores) over ballots held in memory, for comparison with the GROUP BY."""
    scores = dict.fromkeys(keys, 0)
    for ballot in ballots:
        for key, value in ballot.items():
            scores[key] += rules.score_of_value(spec, value)
    return scores


def run(args) -> None:
    t0 = time.time()
    r, ids = populate(args.ballots, args.projects)
    print(f"populated in {time.time() - t0:.1f} s; load average {os.getloadavg()}")
    taipei = rules.COUNTING_RULES["taipei"]

    def db_tally():
        scores = round_scores(round_=r)
        return taipei(rules.TallyInput(spec=r.spec, scores=scores, threshold=r.threshold, cap=r.admission_cap))

    db_s, outcome = median_time(db_tally, args.repeat)
    with connection.cursor() as cur:
        cur.execute("SELECT ballot_id, proposal_id FROM voting_ballotchoice WHERE round_id = %s", [r.pk])
        ballots: dict = {}
        for bid, pid in cur.fetchall():
            ballots.setdefault(bid, {})[pid] = 1
    held = list(ballots.values())
    mem_s, scores = median_time(lambda: count_in_memory(r.spec, held, ids), args.repeat)
    rule_s, _o = median_time(lambda: taipei(rules.TallyInput(spec=r.spec, scores=scores, threshold=r.threshold,
                                                             cap=r.admission_cap)), args.repeat)
    admitted = sum(1 for ln in outcome.lines if ln.admitted)
    print(f"\nmachine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; median of {args.repeat}\n")
    print("| ballots | projects | count in PostgreSQL + Taipei rule | pure count (ballots in memory) | rule alone | "
          "admitted |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(held):,} | {len(ids)} | {db_s * 1000:.0f} ms | {mem_s * 1000:.0f} ms | {rule_s * 1e6:.0f} µs | "
          f"{admitted} |")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ballots", type=int, default=1_000_000)
    p.add_argument("--projects", type=int, default=12)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
