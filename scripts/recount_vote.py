#!/usr/bin/env python3
"""Recount an i-Voting round from its open data, with nothing but Python's standard library.

    python3 scripts/recount_vote.py ivoting-2026-daan.json

The file is the round's "Open data (JSON)" download. The script
1. rebuilds the board's hash chain from every ballot (receipt and choices) and checks each line's
   hashes, the published daily heads and the head published at close;
2. checks every ballot against the round's rules and counts the votes;
3. applies the Taipei rule (admitted iff votes > threshold AND competition rank <= admission cap; a tie
   across the cap is settled by the recorded lot, redrawn here from its seed);
and prints MATCH when everything agrees with the published results, or each difference (exit status 1).
The chain format is pbcity.audit.chain version 1; see docs/decisions.md, "Voting: the board".
"""
import hashlib
import json
import random
import sys

GENESIS = "0" * 64


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha(obj) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def check_chain(data) -> list:
    problems, prev = [], GENESIS
    rid = data["round"]["id"]
    heads = {h["position"]: h["entry_hash"] for h in data.get("heads", [])}
    for expected, b in enumerate(data["ballots"], start=1):
        where = f"line {b['position']} ({b['receipt']})"
        if b["position"] != expected:
            problems.append(f"{where}: expected line {expected}")
            return problems
        pairs = sorted([int(p), int(v)] for p, v in b["choices"])
        content = sha({"round": rid, "receipt": b["receipt"], "choices": pairs})
        if content != b["content_hash"]:
            problems.append(f"{where}: the ballot does not match its sealed content hash")
            return problems
        if b["prev_hash"] != prev:
            problems.append(f"{where}: prev_hash is not the previous line's hash")
            return problems
        entry = sha({"v": 1, "prev": prev, "position": expected, "ref": b["receipt"], "content": content})
        if entry != b["entry_hash"]:
            problems.append(f"{where}: the line hash does not follow from its link")
            return problems
        if expected in heads and heads[expected] != entry:
            problems.append(f"{where}: differs from the head published that day")
            return problems
        prev = entry
    r = data["round"]
    if len(data["ballots"]) != r["board_size"] or prev != r["board_head"]:
        problems.append(f"the chain ends at line {len(data['ballots'])} with head {prev[:16]}…, but "
                        f"{r['board_size']} lines and head {str(r['board_head'])[:16]}… were published at close")
    for pos in heads:
        if pos > len(data["ballots"]):
            problems.append(f"a head was published at line {pos}, beyond the end of the chain")
    return problems


def ballot_ok(r, costs, choices) -> bool:
    n, kind = len(choices), r["ballot_type"]
    if not (r["min_choices"] <= n <= r["max_choices"]) or any(p not in costs or v < 1 for p, v in choices.items()):
        return False
    if kind in ("approval", "knapsack") and any(v != 1 for v in choices.values()):
        return False
    if kind == "knapsack" and sum(costs[p] for p in choices) > r["budget"]:
        return False
    if kind == "points" and (sum(choices.values()) > r["points"] or max(choices.values()) > r["max_per_project"]):
        return False
    if kind == "ranking" and sorted(choices.values()) != list(range(1, n + 1)):
        return False
    return True


def score(r, value) -> int:
    if r["ballot_type"] == "points":
        return value
    if r["ballot_type"] == "ranking":
        return r["score_vector"][value - 1]
    return 1


def recount(data) -> tuple[dict, list]:
    r = data["round"]
    costs = {p["proposal"]: p["cost"] for p in data["projects"]}
    votes = dict.fromkeys(costs, 0)
    problems = []
    for b in data["ballots"]:
        choices = {int(p): int(v) for p, v in b["choices"]}
        if not ballot_ok(r, costs, choices):
            problems.append(f"ballot {b['receipt']} breaks the round's rules")
            continue
        for p, v in choices.items():
            votes[p] += score(r, v)
    ordered = sorted(votes.values(), reverse=True)
    rank = {p: 1 + ordered.index(v) for p, v in votes.items()}
    lines = {p: {"votes": v, "rank": rank[p], "over_threshold": v > r["threshold"], "in_lot": False,
                 "admitted": False} for p, v in votes.items()}
    for p in sorted(lines, key=lambda k: (lines[k]["rank"], str(k))):
        ln = lines[p]
        if not ln["over_threshold"] or ln["rank"] > r["admission_cap"] or ln["in_lot"]:
            continue
        group = [k for k in lines if lines[k]["votes"] == ln["votes"]]
        if ln["rank"] + len(group) - 1 <= r["admission_cap"]:
            ln["admitted"] = True
            continue
        slots = r["admission_cap"] - (ln["rank"] - 1)
        lot = data.get("lot") or {}
        order = random.Random(lot.get("seed", "")).sample(sorted(group), len(group))
        if lot.get("drawn_order") != order:
            problems.append("the recorded lot is not the order its seed draws")
        for k in group:
            lines[k]["in_lot"] = True
            lines[k]["admitted"] = k in order[:slots]
    return lines, problems


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        data = json.load(f)
    if data["round"].get("counting_rule", "taipei") != "taipei":
        print(f"this script recounts the Taipei rule only, not {data['round']['counting_rule']!r}")
        return 2
    problems = check_chain(data)
    lines, more = recount(data)
    problems += more
    published = {x["proposal"]: x for x in data["results"]}
    if set(published) != set(lines):
        problems.append("the published results do not list the projects on the ballot")
    for p, ln in sorted(lines.items()):
        pub = published.get(p)
        if pub is None:
            continue
        for field in ("votes", "rank", "over_threshold", "in_lot", "admitted"):
            if pub[field] != ln[field]:
                problems.append(f"proposal {p} ({pub['title']}): published {field}={pub[field]}, recount {ln[field]}")
    r = data["round"]
    print(f"Round {r['id']}: {r['cycle']} {r['district']} — {len(data['ballots'])} ballots, "
          f"threshold {r['threshold']}, cap {r['admission_cap']}")
    if problems:
        for p in problems:
            print("DIFFERENT:", p)
        return 1
    print("MATCH: the board's chain and the published results agree with this recount.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
