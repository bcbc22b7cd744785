#!/usr/bin/env python3
"""Recount a participatory-budgeting election from a pabulib `.pb` file — standard library only.

Anyone can check the city's figures with this one file and Python 3.9+, without the platform:

    python3 recount_pb.py election.pb --official           # the rule the file declares, as the city counted
    python3 recount_pb.py election.pb --official --json    # {"rule": ..., "selected": [project ids], ...}
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

--official reads META: `rule` (greedy, greedy-threshold, greedy-no-skip, greedy-exclusive,
greedy-custom in Poznań, equalshares, equalshares/add1, equalshares/add1-comparison),
`min_project_score_threshold`, `scoring_fn` / `max_length` for ordinal ballots (else k..1 or Borda,
whichever gives the file's `score` column). Greedy ties follow the order of the PROJECTS section (the
city's published ranking); a project costing 999999999 was withdrawn. The cities' Add1 raises every
voter's budget to floor(budget / n) + 1, + 2, ... while the outcome still fits the budget. Where the
declared rule cannot be reproduced from the file (unknown, a custom rule), it says so and exits 2.
"""
import argparse
import csv
import json
import re
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


WITHDRAWN = Fraction(999999999)


def scoring_vector(meta, projects):
    """Points by rank for ordinal ballots: scoring_fn, else k..1 (k = max_length) or Borda, whichever
    gives the PROJECTS score column (when the file has one)."""
    n = len(projects)
    fn = meta.get("scoring_fn", "").strip()
    if fn:
        if fn.lower() == "borda":
            return list(range(n, 0, -1))
        return [int(x) for x in fn.replace("-", ",").replace(" ", ",").split(",") if x]
    k = meta.get("max_length", "").strip()
    first = list(range(int(k), 0, -1)) if k.isdigit() and 0 < int(k) < n else list(range(n, 0, -1))
    return first


def ballots_with(meta, projects, votes, vector):
    kind = meta.get("vote_type", "approval")
    out = []
    for v in votes:
        ids = [x for x in v["vote"].split(",") if x]
        if kind in ("cumulative", "scoring"):
            pts = [Fraction(x) for x in v.get("points", "").split(",") if x]
            out.append({p: int(q) for p, q in zip(ids, pts) if q > 0})
        elif kind == "ordinal":
            out.append({p: vector[r] for r, p in enumerate(ids) if r < len(vector) and vector[r] > 0})
        else:
            out.append({p: 1 for p in ids})
    return out


def city_greedy(budget, costs, ballots, stop=False, threshold=0):
    """Greedy by score as cities count it: ties in the file's order; withdrawn projects passed over."""
    score = {p: 0 for p in costs}
    for b in ballots:
        for p, v in b.items():
            score[p] += v
    order = {p: i for i, p in enumerate(costs)}
    chosen, spent, first_missed = [], Fraction(0), None
    for p in sorted((p for p in costs if score[p] > 0 and score[p] >= threshold and costs[p] != WITHDRAWN),
                    key=lambda p: (-score[p], order[p])):
        if spent + costs[p] <= budget:
            chosen.append(p)
            spent += costs[p]
        elif stop:
            first_missed = p
            break
    return chosen, first_missed


def city_add1(budget, costs, ballots):
    """MES, then every voter's budget floor(budget / n) + 1, + 2, ... while the outcome fits."""
    key, _ = tie_key(costs, ballots)
    b0 = budget / len(ballots)
    out = mes_run(b0, costs, ballots, True, key)
    supported = {p for b in ballots for p in b}
    step = Fraction(b0.numerator // b0.denominator)
    while set(out) != supported:
        step += 1
        nxt = mes_run(step, costs, ballots, True, key)
        if sum(costs[p] for p in nxt) > budget:
            break
        out = nxt
    return out


def official(path):
    """(rule, selected or None, how it was counted, why it cannot be reproduced or '')."""
    meta, projects, votes = read_pb(path)
    rule = meta.get("rule", "unknown").strip() or "unknown"
    costs = {p["project_id"]: Fraction(p["cost"].replace(",", ".")) for p in projects}
    budget = Fraction(meta["budget"].replace(",", "."))
    try:
        raw = meta.get("min_project_score_threshold", "0").strip() or "0"
        if not re.fullmatch(r"-?\d{1,30}(?:[.,]\d{1,30})?", raw):  # no exponents: 1e999999999 is huge
            raise ValueError(raw)
        threshold = Fraction(raw.replace(",", "."))
        vector = scoring_vector(meta, projects) if meta.get("vote_type") == "ordinal" else None
    except (ValueError, ZeroDivisionError):
        return rule, None, "", "META's min_project_score_threshold or scoring_fn cannot be read"
    if vector is not None:
        if not meta.get("scoring_fn") and projects and "score" in projects[0]:
            for candidate in (vector, list(range(len(projects), 0, -1))):
                totals = {p: 0 for p in costs}
                for b in ballots_with(meta, projects, votes, candidate):
                    for p, v in b.items():
                        totals[p] += v
                if all(Fraction(p["score"] or "0") == totals[p["project_id"]] for p in projects):
                    vector = candidate
                    break
    ballots = ballots_with(meta, projects, votes, vector)
    if rule in ("greedy", "greedy-threshold", "greedy-exclusive"):
        why = "" if rule != "greedy-exclusive" else (
            "conflicting projects are named only in the file's comment; plain greedy is counted")
        return rule, city_greedy(budget, costs, ballots, threshold=threshold)[0], "greedy, skip", why
    if rule == "greedy-no-skip":
        return rule, city_greedy(budget, costs, ballots, stop=True, threshold=threshold)[0], "greedy, stop", ""
    if rule == "greedy-custom" and meta.get("unit") == "Poznań":
        chosen, missed = city_greedy(budget, costs, ballots, stop=True, threshold=threshold)
        left = budget - sum(costs[p] for p in chosen)
        if missed is not None and left >= Fraction(4, 5) * costs[missed]:
            chosen.append(missed)
        return rule, chosen, "greedy, stop, then the next if 80% of it is left (Poznan)", ""
    if rule in ("equalshares", "equalshares/add1", "equalshares-comparison", "equalshares/add1-comparison"):
        if "add1" in rule:
            chosen = city_add1(budget, costs, ballots) if ballots else []
        else:
            chosen = mes(budget, costs, ballots, meta.get("vote_type", "approval") in ("approval", "choose-1"))
        how = "equal shares" + (", Add1 until the budget" if "add1" in rule else "")
        if rule.endswith("comparison"):
            other, _ = city_greedy(budget, costs, ballots)
            a, b = set(chosen), set(other)
            for_mes = sum(1 for x in ballots if len(a & set(x)) > len(b & set(x)))
            for_greedy = sum(1 for x in ballots if len(b & set(x)) > len(a & set(x)))
            chosen = other if for_greedy > for_mes else chosen
            how += ", then compared with greedy"
        return rule, chosen, how, ""
    if rule == "unknown":
        return rule, None, "", "the file does not say which rule the city used (rule: unknown)"
    if rule == "greedy-custom":
        return rule, None, "", "the city used a rule of its own, described only in the file's comment"
    return rule, None, "", f"rule {rule!r} is not one pabulib documents"


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
    ap.add_argument("--official", action="store_true", help="count with the rule the file declares in META")
    ap.add_argument("--json", action="store_true", help="with --official: print JSON")
    ap.add_argument("--rule", default="mes/add1",
                    choices=["greedy", "greedy/stop", "mes", "mes/add1", "mes/add1+greedy"])
    ap.add_argument("--min-votes", type=int, default=0)
    ap.add_argument("--expect", help="comma-separated project ids the city published as selected")
    args = ap.parse_args(argv)
    meta, projects, _ = read_pb(args.file)
    costs = {p["project_id"]: Fraction(p["cost"].replace(",", ".")) for p in projects}
    if args.official:
        rule, chosen, how, why = official(args.file)
        recorded = None
        if projects and "selected" in projects[0]:
            marks = ("1", "2") if rule == "greedy-custom" else ("1",)
            recorded = sorted(p["project_id"] for p in projects if p["selected"].strip() in marks)
        same = None if chosen is None or recorded is None else sorted(chosen) == recorded
        if args.json:
            print(json.dumps({"rule": rule, "selected": chosen, "counted_as": how, "not_reproducible": why,
                              "file_selected": recorded, "same_as_file": same}, ensure_ascii=False))
        else:
            print(f"the city's own rule: {rule}" + (f" ({how})" if how else ""))
            if chosen is None:
                print(f"cannot be reproduced: {why}")
            else:
                if why:
                    print(f"note: {why}")
                print(f"selected ({len(chosen)}): {','.join(chosen)}")
                print(f"cost: {sum(costs[p] for p in chosen)} of {meta['budget']}")
                if same is not None:
                    print("same as the file's selected column" if same else
                          f"DIFFERS from the file's selected column ({','.join(recorded)})")
        if chosen is None:
            return 2
        if args.expect is None:
            return 0
    else:
        chosen = recount(args.file, args.rule, args.min_votes)
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
