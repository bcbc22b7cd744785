#!/usr/bin/env python3
"""Recompute a pbcity review-panel draw from its published files and say "match" or where it differs.

Standard library only: anyone can run it without the platform.

    python3 verify_panel_draw.py draw-input.json draw-result.json [--random-value "..."]

draw-input.json is the document published before the draw (its SHA-256 is the commitment);
draw-result.json is the record published after it. With --random-value the value announced by the
randomness source is used instead of the one in the result file (to check the office typed it right).

Algorithm "pbcity-panel-lot" versions 1 and 2:
  commitment = SHA-256(canonical JSON of the input: UTF-8, sorted keys, separators "," and ":")
  seed       = SHA-256(commitment hex ‖ "|" ‖ normalised random value); version 1 collapses whitespace,
               version 2 also applies Unicode NFKC and removes spaces around , ; / | : 、
  for each seat type t (alphabetical): block_i = SHA-256(seed ‖ t ‖ i as 8-byte big-endian);
  x = first 8 bytes as an unsigned big-endian number; a number below n by rejecting x ≥ 2^64 − 2^64 mod n;
  Fisher–Yates over the pool as listed (i from the last index down to 1, j = below(i+1), swap);
  members = first quota[t], alternates = the rest in order; probability = min(1, quota / pool size).
Exit status: 0 on match, 1 on a difference, 2 on unreadable input.
"""
import argparse
import hashlib
import json
import re
import sys
import unicodedata
from fractions import Fraction

NAME, VERSIONS = "pbcity-panel-lot", ("1", "2")
SEPARATOR = re.compile(r"\s*([,;/|:、])\s*")


def normalise(value, version):
    """Version 1 collapses whitespace; version 2 also applies NFKC and drops spaces around separators."""
    text = " ".join(value.split())
    if version == "1":
        return text
    return SEPARATOR.sub(r"\1", " ".join(unicodedata.normalize("NFKC", text).split()))


def canonical(doc):
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def randbelow(seed, label, counter, n):
    limit = (1 << 64) - (1 << 64) % n
    while True:
        block = hashlib.sha256(seed + label.encode("utf-8") + counter[0].to_bytes(8, "big")).digest()
        counter[0] += 1
        x = int.from_bytes(block[:8], "big")
        if x < limit:
            return x % n


def recompute(doc, random_value):
    commitment = hashlib.sha256(canonical(doc)).hexdigest()
    value = normalise(random_value, str(doc["algorithm"]["version"]))
    seed = hashlib.sha256((commitment + "|" + value).encode("utf-8")).digest()
    selected, alternates, probabilities = {}, {}, {}
    for seat_type in sorted(doc["quotas"]):
        pool = list(doc["pools"][seat_type])
        counter = [0]
        for i in range(len(pool) - 1, 0, -1):
            j = randbelow(seed, seat_type, counter, i + 1)
            pool[i], pool[j] = pool[j], pool[i]
        quota = doc["quotas"][seat_type]
        selected[seat_type] = pool[:quota]
        alternates[seat_type] = pool[quota:]
        n = len(doc["pools"][seat_type])
        p = min(Fraction(1), Fraction(quota, n)) if n else Fraction(0)
        for pid in doc["pools"][seat_type]:
            probabilities[pid] = f"{p.numerator}/{p.denominator}"
    return {"commitment": commitment, "random_value": value, "seed": seed.hex(),
            "selected": selected, "alternates": alternates, "probabilities": probabilities}


def compare(doc, result, random_value=None):
    """A list of differences between the published result and the recomputation ([] = match)."""
    differences = []
    algorithm = doc.get("algorithm", {})
    if algorithm.get("name") != NAME or str(algorithm.get("version")) not in VERSIONS:
        return [f"unsupported algorithm {algorithm!r}; this verifier knows {NAME} versions {VERSIONS}"]
    if random_value is None:
        random_value = result.get("random_value", "")
    mine = recompute(doc, random_value)
    for key in ("commitment", "random_value", "seed"):
        if result.get(key) != mine[key]:
            differences.append(f"{key}: published {result.get(key)!r}, recomputed {mine[key]!r}")
    for part in ("selected", "alternates"):
        published = result.get(part, {})
        for seat_type in sorted(set(published) | set(mine[part])):
            a, b = published.get(seat_type), mine[part].get(seat_type)
            if a != b:
                differences.append(f"{part}[{seat_type}]: published {a}, recomputed {b}")
    published_p = {pid: v.get("probability") for pid, v in result.get("probabilities", {}).items()}
    for pid in sorted(set(published_p) | set(mine["probabilities"])):
        if published_p.get(pid) != mine["probabilities"].get(pid):
            differences.append(
                f"probability[{pid}]: published {published_p.get(pid)}, recomputed {mine['probabilities'].get(pid)}"
            )
    return differences


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a pbcity review-panel draw.")
    parser.add_argument("input", help="draw-input.json (the committed document)")
    parser.add_argument("result", help="draw-result.json (the published draw)")
    parser.add_argument("--random-value", help="the public random value as announced by its source")
    args = parser.parse_args(argv)
    try:
        with open(args.input, encoding="utf-8") as f:
            doc = json.load(f)
        with open(args.result, encoding="utf-8") as f:
            result = json.load(f)
    except (OSError, ValueError) as exc:
        print(f"cannot read the files: {exc}")
        return 2
    differences = compare(doc, result, args.random_value)
    if differences:
        print("DIFFERS")
        for line in differences:
            print("  " + line)
        return 1
    print("match")
    print(f"commitment {result['commitment']}")
    for seat_type in sorted(result["selected"]):
        print(f"  {seat_type}: {', '.join(result['selected'][seat_type])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
