"""Compute pabutools' outcomes on the shared pabulib files, for the counting cross-check tests.

Writes voting/tests/data/pabutools_reference.json: per file and rule, the selected project ids, and
how long pabutools took. Settings (docs/decisions.md, "Counting rules"): approval/knapsack files use
Cost_Sat (cost utilities), cumulative files Additive_Cardinal_Sat (points); greedy uses a satisfaction
whose density is the vote (or points) count; ties by lower cost, more votes, then file order.
Usage: .venv/bin/python benchmarks/pabutools_reference.py [--skip-slow]
"""
import json
import sys
import time
from pathlib import Path

from pabutools.election import Additive_Cardinal_Sat, Cost_Sat, parse_pabulib
from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
from pabutools.rules import completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "voting" / "fixtures" / "pabulib"
OUT = ROOT / "voting/tests/data/pabutools_reference.json"


class PointsTimesCost(AdditiveSatisfaction):
    """Satisfaction = points × cost, so greedy's density (sat / cost) is the points themselves."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot,
                         lambda inst, prof, b, proj, precomputed: b[proj] * proj.cost if proj in b else 0)


def project_order(path: Path) -> dict[str, int]:
    """The file's project order (the lot of last resort); parse_pabulib keeps projects in a set."""
    section = path.read_text(encoding="utf-8").split("PROJECTS")[1].split("VOTES")[0]
    names = [line.split(";")[0] for line in section.splitlines()[2:] if line.strip()]
    return {n: i for i, n in enumerate(names)}


def rules_for(path: Path) -> tuple[dict, int]:
    instance, profile = parse_pabulib(str(path))
    order = project_order(path)
    votes = {p.name: 0 for p in instance}
    for ballot in profile:
        for p in ballot:
            votes[p.name] += 1
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -votes[proj.name], order[proj.name]))
    cumulative = instance.meta.get("vote_type") == "cumulative"
    sat = Additive_Cardinal_Sat if cumulative else Cost_Sat
    greedy_sat = PointsTimesCost if cumulative else Cost_Sat
    mes_params = {"sat_class": sat, "tie_breaking": tie, "voter_budget_increment": 1}
    return {
        "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=greedy_sat, tie_breaking=tie),
        "mes": lambda: method_of_equal_shares(instance, profile, sat_class=sat, tie_breaking=tie),
        "mes/add1": lambda: method_of_equal_shares(instance, profile, **mes_params),
        "mes/add1+greedy": lambda: completion_by_rule_combination(
            instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare],
            [mes_params, {"sat_class": greedy_sat, "tie_breaking": tie}]),
    }, len(profile)


def main():
    skip_slow = "--skip-slow" in sys.argv
    result = json.loads(OUT.read_text()) if OUT.exists() else {}
    # Small files first; the output is rewritten after every rule so a long run keeps what it has.
    for path in sorted(DATA.glob("*.pb"), key=lambda p: p.stat().st_size):
        entry = result.setdefault(path.name, {})
        runs, voters = rules_for(path)
        for rule, run in runs.items():
            if rule in entry or (skip_slow and "add1" in rule and voters > 1000):
                continue
            t = time.perf_counter()
            outcome = run()
            took = time.perf_counter() - t
            entry[rule] = {"selected": sorted(p.name for p in outcome), "seconds": round(took, 2)}
            print(f"{path.name:70} {rule:18} {took:8.2f} s  {len(outcome)} projects", flush=True)
            OUT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
