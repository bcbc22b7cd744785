"""Time MES with Add1 on real pabulib files: ours stepping every Add1 step, ours skipping the steps that
provably change nothing, and pabutools (1.2.3, the same settings as benchmarks/pabutools_reference.py),
all in one run on the same machine. Also the cities' Add1 ("until the next step would exceed the
budget", which pabutools does not offer) and the city's own rule as `official.official` counts it.

Usage: .venv/bin/python benchmarks/add1_timing.py [--no-pabutools] [--toulouse] [--only NAME]
Prints one Markdown table row per file (docs/performance.md, "Add1 at city scale"): every approval,
choose-1 and cumulative file of voting/fixtures/pabulib (ordinal files are scored differently by
pabutools, docs/counting.md), smallest first, Toulouse last. Times are CPU seconds of this process
(`time.process_time`), so that a figure taken on the shared box survives its load; the load average
is printed before and after.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.counting import official, pabulib  # noqa: E402
from voting.counting.mes import BUDGET, EXHAUSTIVE, equal_shares  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "voting" / "fixtures" / "pabulib"
TOULOUSE = "France_Toulouse_2024.pb"


def _files():
    out = []
    for path in sorted(DATA.glob("*.pb"), key=lambda p: p.stat().st_size):
        head = path.read_text(encoding="utf-8").split("PROJECTS")[0]
        if "vote_type;ordinal" not in head and path.name != TOULOUSE:
            out.append(path.name)
    return out


def timed(fn):
    """(result, CPU seconds of this process)."""
    t = time.process_time()
    out = fn()
    return out, time.process_time() - t


def main():
    files = _files() + ([TOULOUSE] if "--toulouse" in sys.argv else [])
    if "--only" in sys.argv:
        files = [sys.argv[sys.argv.index("--only") + 1]]
    print(f"load average at start: {os.getloadavg()}; CPU seconds (time.process_time)", flush=True)
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
            try:
                runs, _ = rules_for(DATA / name)
                outcome, t_theirs = timed(runs["mes/add1"])
                same = "yes" if sorted(p.name for p in outcome) == sorted(fast.selected) else "NO"
                theirs = f"{t_theirs:.2f} s"
            except Exception as exc:  # noqa: BLE001 - a file pabutools cannot count is reported, not fatal
                theirs, same = f"fails ({type(exc).__name__})", "—"
        own_text = (f"{own.declared.rule}: {t_own:.2f} s" if own.outcome is not None
                    else f"{own.declared.rule}: not counted")
        print(f"| {name} | {len(election.ballots):,} / {len(election.costs)} | {t_slow:.2f} s | {t_fast:.2f} s "
              f"| {theirs} | {same} | {t_city_fast:.2f} s / {t_city_slow:.2f} s | {own_text} |", flush=True)
    print(f"load average at end: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
