#!/usr/bin/env python3
"""Recount a participatory-budgeting election from a pabulib `.pb` file — standard library only.

Anyone can check the city's figures with this one file and Python 3.9+, without the platform:

    python3 recount_pb.py election.pb --rule mes/add1
    python3 recount_pb.py election.pb --rule greedy --expect 3,9,2     # exit 1 if it differs

Rules: greedy (skip what does not fit), greedy/stop (stop at the first that does not fit),
mes, mes/add1, mes/add1+greedy. Options: --min-votes N (threshold before greedy).
Method of Equal Shares: each voter gets budget / voters; approval ballots use cost utilities
(supporters share a project's cost equally), points ballots use the points. Ties: lower cost, then
more votes, then the order of the PROJECTS section. Add1: raise every voter's budget by 1 until the
outcome is exhaustive; if it would cost more than the budget, keep the previous outcome.
All arithmetic is exact (fractions). This is an independent implementation: the platform's counting
code is a different program, and the tests check that both agree.
"""
import argparse
import csv
import sys
from fractions import Fraction


def read_pb(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh.read().splitlines(), delimiter=";"))
    meta, projects, votes, section, header = {}, [], [], None, None
    for row in rows:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) == 1 and row[0].strip().lower() in ("meta", "projects", "votes"):
            section, header = row[0].strip().lower(), None
            continue
        if header is None:
            header = [h.strip() for h in row]
            continue
        rec = {h: c.strip() for h, c in zip(header, row)}
        if section == "meta":
            meta[rec["key"]] = rec["value"]
        elif section == "projects":
            projects.append(rec)
        elif section == "votes":
            votes.append(rec)
    return meta, projects, votes


def election(meta, projects, votes):
    costs = {p["project_id"]: Fraction(p["cost"].replace(",", ".")) for p in projects}
    kind = meta.get("vote_type", "approval")
    ballots = []
    for v in votes:
        ids = [x for x in v["vote"].split(",") if x]
        if kind in ("cumulative", "scoring"):
            pts = [Fraction(x) for x in v.get("points", "").split(",") if x]
            ballots.append({p: int(q) for p, q in zip(ids, pts) if q > 0})
        elif kind == "ordinal":
            ballots.append({p: len(costs) - r for r, p in enumerate(ids)})
        else:
            ballots.append({p: 1 for p in ids})
    return Fraction(meta["budget"].replace(",", ".")), costs, ballots, kind in ("approval", "choose-1")


def tie_key(costs, ballots):
    votes = {p: 0 for p in costs}
    for b in ballots:
        for p in b:
            votes[p] += 1
    order = {p: i for i, p in enumerate(costs)}
    return lambda p: (costs[p], -votes[p], order[p]), votes


def greedy(budget, costs, ballots, already=(), stop=False, min_votes=0):
    key, votes = tie_key(costs, ballots)
    score = {p: 0 for p in costs}
    for b in ballots:
        for p, v in b.items():
            score[p] += v
    chosen = list(already)
    spent = sum((costs[p] for p in chosen), Fraction(0))
    for p in sorted((p for p in costs if p not in chosen and score[p] > 0 and votes[p] >= min_votes),
                    key=lambda p: (-score[p],) + key(p)):
        if spent + costs[p] <= budget:
            chosen.append(p)
            spent += costs[p]
        elif stop:
            break
    return chosen


def mes_run(b0, costs, ballots, cost_utility, key):
    """One run of MES with every voter starting at b0 (supporters grouped by equal budget)."""
    n = len(ballots)
    budget_of = [b0] * n
    supporters = {p: [] for p in costs}
    for i, b in enumerate(ballots):
        for p, v in b.items():
            supporters[p].append((i, 1 if cost_utility else v))
    chosen = [p for p in costs if costs[p] == 0 and supporters[p]]
    remaining = [p for p in costs if costs[p] > 0 and supporters[p]]
    while True:
        best = None
        for p in list(remaining):
            groups = {}
            for i, w in supporters[p]:
                k = (budget_of[i], w)
                groups[k] = groups.get(k, 0) + 1
            if sum(b * c for (b, _), c in groups.items()) < costs[p]:
                remaining.remove(p)
                continue
            rest, denom = costs[p], sum(w * c for (_, w), c in groups.items())
            lam = None
            for (b, w), c in sorted(groups.items(), key=lambda kv: kv[0][0] / kv[0][1]):
                lam = rest / denom
                if lam * w <= b:
                    break
                rest -= b * c
                denom -= w * c
            value = lam / costs[p] if cost_utility else lam
            if best is None or (value, key(p)) < (best[0], key(best[1])):
                best = (value, p, lam)
        if best is None:
            return chosen
        _, p, lam = best
        for i, w in supporters[p]:
            budget_of[i] -= min(budget_of[i], lam * w)
        chosen.append(p)
        remaining.remove(p)


def mes(budget, costs, ballots, cost_utility, add1=False):
    key, _ = tie_key(costs, ballots)
    if not ballots:
        return []
    b0 = budget / len(ballots)
    out = mes_run(b0, costs, ballots, cost_utility, key)
    if not add1:
        return out
    available = [p for p in costs if costs[p] > 0 and any(p in b for b in ballots)]
    previous = out
    while True:
        total = sum(costs[p] for p in out)
        if total > budget:
            return previous
        if all(p in out or total + costs[p] > budget for p in available):
            return out
        previous = out
        b0 += 1
        out = mes_run(b0, costs, ballots, cost_utility, key)


def recount(path, rule, min_votes=0):
    budget, costs, ballots, cost_utility = election(*read_pb(path))
    if rule == "greedy":
        return greedy(budget, costs, ballots, min_votes=min_votes)
    if rule == "greedy/stop":
        return greedy(budget, costs, ballots, stop=True, min_votes=min_votes)
    if rule == "mes":
        return mes(budget, costs, ballots, cost_utility)
    if rule == "mes/add1":
        return mes(budget, costs, ballots, cost_utility, add1=True)
    if rule == "mes/add1+greedy":
        return greedy(budget, costs, ballots, already=mes(budget, costs, ballots, cost_utility, add1=True))
    raise SystemExit(f"unknown rule {rule!r}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--rule", default="mes/add1",
                    choices=["greedy", "greedy/stop", "mes", "mes/add1", "mes/add1+greedy"])
    ap.add_argument("--min-votes", type=int, default=0)
    ap.add_argument("--expect", help="comma-separated project ids the city published as selected")
    args = ap.parse_args(argv)
    chosen = recount(args.file, args.rule, args.min_votes)
    meta, projects, _ = read_pb(args.file)
    costs = {p["project_id"]: Fraction(p["cost"].replace(",", ".")) for p in projects}
    print(f"rule: {args.rule}")
    print(f"selected ({len(chosen)}): {','.join(chosen)}")
    print(f"cost: {sum(costs[p] for p in chosen)} of {meta['budget']}")
    if args.expect is not None:
        expected = {x for x in args.expect.split(",") if x}
        if expected == set(chosen):
            print("match")
            return 0
        print(f"DIFFERS: only in the recount {sorted(set(chosen) - expected)}; "
              f"only in the published list {sorted(expected - set(chosen))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
