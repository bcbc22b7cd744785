"""Time MES with Add1 on real pabulib files: ours stepping every Add1 step, ours skipping the steps that
provably change nothing, and pabutools (1.2.3, the same settings as benchmarks/pabutools_reference.py),
all in one run on the same machine. Also the cities' Add1 ("until the next step would exceed the
budget", which pabutools does not offer) and the city's own rule as `official.official` counts it.

Usage: .venv/bin/python benchmarks/add1_timing.py [--no-pabutools] [--toulouse]
Prints one Markdown table row per file (docs/performance.md, "Add1 at city scale").
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.counting import official, pabulib  # noqa: E402
from voting.counting.mes import BUDGET, EXHAUSTIVE, equal_shares  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "voting" / "fixtures" / "pabulib"
FILES = ["Netherlands_Assen_2024.pb", "US_Stanford_Dataset_2022_Jersey_City_Ward_E_vote_knapsacks.pb",
         "Switzerland_Zurich_D10.pb", "Poland_Swiecie_2023.pb", "Poland_Wieliczka_2023_Green_Budget.pb"]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main():
    files = FILES + (["France_Toulouse_2024.pb"] if "--toulouse" in sys.argv else [])
    with_pabutools = "--no-pabutools" not in sys.argv
    if with_pabutools:
        from pabutools_reference import rules_for
    print("| file | voters / projects | ours, every step | ours, skipping | pabutools | same outcome "
          "| cities' Add1 (skipping / every step) | the city's own rule |")
    print("|---|---|---|---|---|---|---|---|")
    for name in files:
        pb = pabulib.parse((DATA / name).read_text(encoding="utf-8"))
        election = pb.election()
        fast, t_fast = timed(lambda: equal_shares(election, add1=True, add1_until=EXHAUSTIVE))
        slow, t_slow = timed(lambda: equal_shares(election, add1=True, add1_until=EXHAUSTIVE, skip=False))
        assert (fast.selected, fast.spending) == (slow.selected, slow.spending)
        city_fast, t_city_fast = timed(lambda: equal_shares(election, add1=True, add1_until=BUDGET))
        city_slow, t_city_slow = timed(lambda: equal_shares(election, add1=True, add1_until=BUDGET, skip=False))
        assert city_fast.selected == city_slow.selected
        own, t_own = timed(lambda: official.official(pb))
        theirs, same, t_theirs = "—", "—", None
        if with_pabutools:
            runs, _ = rules_for(DATA / name)
            outcome, t_theirs = timed(runs["mes/add1"])
            same = "yes" if sorted(p.name for p in outcome) == sorted(fast.selected) else "NO"
            theirs = f"{t_theirs:.2f} s"
        own_text = (f"{own.declared.rule}: {t_own:.2f} s" if own.outcome is not None
                    else f"{own.declared.rule}: not counted")
        print(f"| {name} | {len(election.ballots):,} / {len(election.costs)} | {t_slow:.2f} s | {t_fast:.2f} s "
              f"| {theirs} | {same} | {t_city_fast:.2f} s / {t_city_slow:.2f} s | {own_text} |", flush=True)


if __name__ == "__main__":
    main()
