"""Counting rules on a city-sized ballot set: the platform's MES against pabutools, and greedy.

Usage:
    .venv/bin/python benchmarks/counting.py                # everything (pabutools takes minutes)
    .venv/bin/python benchmarks/counting.py --skip-pabutools

Each measurement runs in its own process, so the peak memory (ru_maxrss) is that rule's alone
(interpreter and libraries included, for both sides alike). Parsing the file is not timed.
Synthetic elections are seeded, so every run counts the same ballots:
- approval: 100,000 voters × 50 projects, each voter approves 1–8 projects with Zipf-like popularity,
  costs 20,000–400,000, budget a quarter of the total cost;
- ranking: 65,000 voters × 120 projects, each ranks 1–5 projects, scored 5-4-3-2-1.
"""
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(os.environ.get("TMPDIR", "/tmp"))


def synthetic_approval(path: Path, voters=100_000, projects=50, seed=2026):
    rng = random.Random(seed)
    costs = [rng.randrange(20_000, 400_001, 1_000) for _ in range(projects)]
    weights = [1 / (k + 1) ** 0.8 for k in range(projects)]
    ids = [str(k + 1) for k in range(projects)]
    lines = ["META", "key;value", "description;synthetic approval election", f"num_projects;{projects}",
             f"num_votes;{voters}", f"budget;{sum(costs) // 4}", "vote_type;approval", "PROJECTS", "project_id;cost"]
    lines += [f"{i};{c}" for i, c in zip(ids, costs)]
    lines += ["VOTES", "voter_id;vote"]
    for v in range(voters):
        chosen = set()
        for _ in range(rng.randint(1, 8)):
            chosen.add(rng.choices(ids, weights)[0])
        lines.append(f"{v + 1};{','.join(sorted(chosen, key=int))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_ranking(voters=65_000, projects=120, seed=2026):
    from voting.counting import Election

    rng = random.Random(seed)
    ids = [str(k + 1) for k in range(projects)]
    costs = {i: rng.randrange(50_000, 2_000_001, 10_000) for i in ids}
    weights = [1 / (k + 1) ** 0.7 for k in range(projects)]
    ballots = []
    for _ in range(voters):
        ranked = []
        while len(ranked) < rng.randint(1, 5):
            p = rng.choices(ids, weights)[0]
            if p not in ranked:
                ranked.append(p)
        ballots.append({p: 5 - r for r, p in enumerate(ranked)})
    return Election(budget=sum(costs.values()) // 5, costs=costs, ballots=ballots, kind="ordinal")


def measure(side: str, rule: str, path: str) -> dict:
    """Run one rule in this process and report seconds, peak RSS and the outcome."""
    if side == "ours":
        from voting.counting import RULES, pabulib

        election = pabulib.parse(Path(path).read_text(encoding="utf-8")).election()
        t = time.perf_counter()
        selected = RULES[rule](election).selected
    elif side == "pabutools":
        from pabutools.election import Cost_Sat, parse_pabulib
        from pabutools.rules import completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares
        from pabutools.tiebreaking import TieBreakingRule

        instance, profile = parse_pabulib(path)
        order = {p.name: int(p.name) for p in instance}
        votes = {p.name: 0 for p in instance}
        for ballot in profile:
            for p in ballot:
                votes[p.name] += 1
        tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -votes[proj.name], order[proj.name]))
        mes = {"sat_class": Cost_Sat, "tie_breaking": tie}
        t = time.perf_counter()
        if rule == "mes":
            out = method_of_equal_shares(instance, profile, **mes)
        elif rule == "mes/add1+greedy":
            out = completion_by_rule_combination(
                instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare],
                [{**mes, "voter_budget_increment": 1}, {"sat_class": Cost_Sat, "tie_breaking": tie}])
        else:
            out = method_of_equal_shares(instance, profile, voter_budget_increment=1, **mes)
        selected = [p.name for p in out]
    else:  # greedy on the synthetic ranking election
        from voting.counting import greedy

        election = synthetic_ranking()
        t = time.perf_counter()
        selected = greedy(election).selected
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(took, 3), "peak_mib": round(peak, 1), "selected": sorted(selected, key=int)}


def run(side, rule, path=""):
    out = subprocess.run([sys.executable, __file__, "--one", side, rule, path], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    if "--one" in sys.argv:
        i = sys.argv.index("--one")
        print(json.dumps(measure(sys.argv[i + 1], sys.argv[i + 2], sys.argv[i + 3])))
        return
    skip = "--skip-pabutools" in sys.argv
    path = TMP / "pbcity-synthetic-approval-100k.pb"
    if not path.exists():
        synthetic_approval(path)
    print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; file {path}")
    print(f"{'rule':20} {'side':10} {'seconds':>9} {'peak MiB':>9}  projects")
    for rule in ("mes", "mes/add1", "mes/add1+greedy"):
        ours = run("ours", rule, str(path))
        print(f"{rule:20} {'pbcity':10} {ours['seconds']:9.2f} {ours['peak_mib']:9.1f}  {len(ours['selected'])}")
        if not skip:
            theirs = run("pabutools", rule, str(path))
            same = "identical" if theirs["selected"] == ours["selected"] else "DIFFERENT"
            print(f"{rule:20} {'pabutools':10} {theirs['seconds']:9.2f} {theirs['peak_mib']:9.1f}  "
                  f"{len(theirs['selected'])}  outcome {same}; speed ×{theirs['seconds'] / ours['seconds']:.1f}, "
                  f"memory ×{theirs['peak_mib'] / ours['peak_mib']:.2f}", flush=True)
    g = run("greedy-ranking", "greedy", "")
    print(f"{'greedy (65k×120 rank)':20} {'pbcity':10} {g['seconds']:9.2f} {g['peak_mib']:9.1f}  {len(g['selected'])}")


if __name__ == "__main__":
    main()
