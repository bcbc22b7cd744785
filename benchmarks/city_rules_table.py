"""The table of docs/counting.md: every file in voting/fixtures/pabulib counted with the city's own rule.

Usage: .venv/bin/python benchmarks/city_rules_table.py [DIR]   (DIR: any folder of .pb files)
Prints one Markdown row per file: declared rule, ballots, what we count, official = selected?, time.
With a DIR of many files, a summary line per (rule, vote type, outcome) follows.
"""
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.counting import official, pabulib  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "voting" / "fixtures" / "pabulib"


def main():
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    files = sorted(folder.glob("*.pb"))
    rows = len(files) <= 60
    tally = collections.Counter()
    if rows:
        print("| file | `rule` | ballots | voters / projects | counted as | official = `selected`? | time |")
        print("|---|---|---|---|---|---|---|")
    for path in files:
        try:
            pb = pabulib.parse(path.read_text(encoding="utf-8"))
        except (pabulib.PbFormatError, ValueError, UnicodeDecodeError):
            tally[("(refused by the parser)", "", "")] += 1
            continue
        t = time.perf_counter()
        result = official.official(pb)
        took = time.perf_counter() - t
        d = result.declared
        if result.outcome is None:
            verdict = f"not counted: {d.reason}"
        elif result.recorded is None:
            verdict = "no `selected` column"
        elif result.matches:
            verdict = "yes" + (f" ({d.reason})" if d.reason else "")
        else:
            ours, city = set(result.outcome.selected), result.recorded
            verdict = f"NO: only ours {sorted(ours - city)}, only the city's {sorted(city - ours)}"
        tally[(d.rule, d.vote_type, verdict.split(":")[0].split(" (")[0])] += 1
        if rows:
            print(f"| {path.name} | {d.rule} | {d.vote_type} | {len(pb.votes):,} / {len(pb.projects)} "
                  f"| {d.method or '—'} | {verdict} | {took:.2f} s |", flush=True)
    if not rows:
        for key, n in sorted(tally.items()):
            print(n, *key)


if __name__ == "__main__":
    main()
