#!/usr/bin/env python3
"""Recount an i-Voting round from its open data, with nothing but Python's standard library.

    python3 scripts/recount_vote.py ivoting-2026-daan.json

The file is the round's "Open data (JSON)" download. The script
1. rebuilds the board's hash chain from every ballot (receipt and choices) and checks each line's
   hashes, the published daily heads and the head published at close;
2. checks every ballot against the round's rules and counts the votes;
3. applies the Taipei rule (admitted iff votes > threshold AND competition rank <= admission cap; a tie
   across the cap is settled by the recorded lot, redrawn here from its seed: since the cycle kit the seed's
   SHA-256 is the commitment published when the round opened, and the order is "pbcity-tie-lot" version 1,
   see tie_lot_order; older lots were drawn with Python's random.Random(seed));
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


def tie_lot_order(seed: str, keys) -> list:
    """"pbcity-tie-lot" v1: keys sorted as text, shuffled (Fisher–Yates from the last index down) by the
    stream block_i = SHA-256(seed bytes ‖ "tie-lot" ‖ i as 8-byte big-endian), first 8 bytes big-endian,
    a number below n by rejecting x >= 2^64 - 2^64 mod n. The same as the review panel's draw stream."""
    raw, order, counter = bytes.fromhex(seed), sorted(keys, key=str), 0
    if len(raw) != 32:
        raise ValueError("the lot's seed is not 32 bytes")
    for i in range(len(order) - 1, 0, -1):
        n = i + 1
        limit = (1 << 64) - (1 << 64) % n
        while True:
            block = hashlib.sha256(raw + b"tie-lot" + counter.to_bytes(8, "big")).digest()
            counter += 1
            x = int.from_bytes(block[:8], "big")
            if x < limit:
                break
        j = x % n
        order[i], order[j] = order[j], order[i]
    return order


def lot_problems(lot, commitment, keys, legacy_recorded=False) -> tuple[list, list]:
    """(the order the lot's seed draws for `keys`, problems). `commitment` is the one published when the
    vote opened ("" before the cycle kit: the legacy lot, redrawn with random.Random from its seed, or with
    `legacy_recorded` — an assembly's lot drawn from the operating system — taken as recorded)."""
    lot = lot or {}
    seed = str(lot.get("seed", ""))
    if not commitment and legacy_recorded:
        order = list(lot.get("drawn_order") or [])
        if sorted(order, key=str) != sorted(keys, key=str):
            return order, ["the recorded lot is not drawn among the tied proposals"]
        return order, []
    if not commitment:
        return random.Random(seed).sample(sorted(keys), len(keys)), []
    problems = []
    if hashlib.sha256(seed.encode("utf-8")).hexdigest() != commitment:
        problems.append("the lot's seed does not hash to the commitment published before the vote")
    if lot.get("commitment", commitment) != commitment:
        problems.append("the lot names another commitment than the one published before the vote")
    try:
        return tie_lot_order(seed, keys), problems
    except ValueError as exc:
        return [], problems + [f"the lot's seed cannot be read ({exc})"]


def admit(votes: dict, qualifies: dict, cap: int, lot, commitment: str, legacy_recorded=False) -> tuple[dict, list]:
    """Competition ranks, then admitted iff it qualifies and ranks within the cap; a qualifying tie across
    the cap shares the places left by the lot (the same rule for the vote and the resident assembly)."""
    ordered = sorted(votes.values(), reverse=True)
    rank = {p: 1 + ordered.index(v) for p, v in votes.items()}
    lines = {p: {"votes": v, "rank": rank[p], "qualifies": qualifies[p], "in_lot": False, "admitted": False}
             for p, v in votes.items()}
    problems = []
    for p in sorted(lines, key=lambda k: (lines[k]["rank"], str(k))):
        ln = lines[p]
        if not ln["qualifies"] or ln["rank"] > cap or ln["in_lot"]:
            continue
        group = [k for k in lines if lines[k]["votes"] == ln["votes"]]
        if ln["rank"] + len(group) - 1 <= cap:
            ln["admitted"] = True
            continue
        slots = cap - (ln["rank"] - 1)
        order, more = lot_problems(lot, commitment, group, legacy_recorded)
        problems += more
        if (lot or {}).get("drawn_order") != order:
            problems.append("the recorded lot is not the order its seed draws")
        if lot and (lot.get("votes"), lot.get("slots")) != (ln["votes"], slots):
            problems.append(f"the lot is recorded for {lot.get('votes')} votes and {lot.get('slots')} place(s); "
                            f"the tie is at {ln['votes']} votes for {slots} place(s)")
        for k in group:
            lines[k]["in_lot"] = True
            lines[k]["admitted"] = k in order[:slots]
    if lot and not any(ln["in_lot"] for ln in lines.values()):
        problems.append("a lot is recorded, but no tie crosses the cap")
    return lines, problems


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


def count(data) -> tuple[dict, list]:
    """Each project's votes from the board's ballots (a ballot breaking the round's rules is a problem)."""
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
    return votes, problems


def recount(data) -> tuple[dict, list]:
    r = data["round"]
    votes, problems = count(data)
    commitment = r.get("lot_commitment", "")
    if commitment and r.get("lot_seed") and hashlib.sha256(r["lot_seed"].encode()).hexdigest() != commitment:
        problems.append("the revealed seed does not hash to the commitment published when the round opened")
    lines, more = admit(votes, {p: v > r["threshold"] for p, v in votes.items()}, r["admission_cap"],
                        data.get("lot"), commitment)
    for ln in lines.values():
        ln["over_threshold"] = ln.pop("qualifies")
    return lines, problems + more


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
