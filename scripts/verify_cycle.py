#!/usr/bin/env python3
"""Recompute every decision of a pbcity cycle from its kit, with nothing but Python's standard library.

    python3 verify_cycle.py DIR        # DIR written by `manage.py cycle_bundle --cycle YEAR --out DIR`

Prints one line per decision, "<decision>: match" or "<decision>: DIFFERS — <what>", and exits 1 if any
decision differs (2 if DIR has no manifest). The decisions and the verifiers whose logic they run
(imported from this script's directory, where the kit's tools/ and the repository's scripts/ keep them):
  assembly N pass results  more than half of those present AND rank within the top K; a tie across
                           rank K settled by the lot of the seed committed before the vote
                           (recount_vote.admit / tie_lot_order, "pbcity-tie-lot" version 1)
  panel N draw             verify_panel_draw.compare (commitment, public random value, seats)
  panel N verdict on P     the panel's light per indicator = the lower median of the members' lights;
                           passes iff all three are green or yellow
  round N board → tally    recount_vote.check_chain (lines, daily heads, head at close) and count
  round N admission        votes > threshold AND rank <= cap; a tie across the cap by the committed lot
  round N rule comparison  each stored rule outcome = recount_pb.recount of the round's .pb file
  round N .pb outcome      the .pb's votes and `selected` column = the ballots and the tally
Each decision also checks that its files still have the SHA-256 the manifest lists; the manifest's own
SHA-256 is printed last, to compare with the one the city published with the kit.
Lots drawn before the commitment existed say "not reproducible: drawn before 2027" and do not fail.
"""
import hashlib
import json
import os
import sys

sys.dont_write_bytecode = True  # run from a kit's tools/, it must not add files the manifest does not list
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import recount_pb  # noqa: E402
import recount_vote  # noqa: E402
import verify_panel_draw  # noqa: E402

LEGACY = "not reproducible: drawn before 2027 (the lot was not committed before the vote)"
LIGHTS = ("red", "yellow", "green")
INDICATORS = (("publicness", "publicness"), ("legality", "legality"), ("budget", "budget_feasibility"))


class Kit:
    """The bundle directory and its manifest."""

    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "manifest.json"), "rb") as f:
            self.manifest_bytes = f.read()
        self.manifest = json.loads(self.manifest_bytes.decode("utf-8"))
        self.files = self.manifest.get("files", {})

    def path(self, rel):
        return os.path.join(self.root, *rel.split("/"))

    def changed(self, rels) -> list:
        """Files whose bytes are not those the manifest lists."""
        out = []
        for rel in rels:
            try:
                with open(self.path(rel), "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            except OSError:
                out.append(f"{rel} is missing")
                continue
            if self.files.get(rel) != digest:
                out.append(f"{rel}: its SHA-256 is not the manifest's (the file was changed)")
        return out

    def json(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return json.load(f)


# -- the decisions ---------------------------------------------------------------------------------

def assembly(doc) -> tuple[list, str]:
    """(differences, note) for one assembly's pass results."""
    a, rows, lot = doc["assembly"], doc["results"], doc.get("lot")
    present, commitment, seed = a["present"], a.get("lot_commitment") or "", a.get("lot_seed") or ""
    votes = {r["proposal_id"]: r["votes"] for r in rows}
    qualifies = {p: v * 2 > present for p, v in votes.items()}
    problems, note = [], ""
    if commitment and seed and hashlib.sha256(seed.encode("utf-8")).hexdigest() != commitment:
        problems.append("the revealed seed does not hash to the commitment published when voting opened")
    if lot and commitment:
        lot = dict(lot, seed=seed, commitment=commitment)
    elif lot:
        note = LEGACY  # the recorded order is applied; everything else is still recomputed
    lines, more = recount_vote.admit(votes, qualifies, a["top_k"], lot, commitment, legacy_recorded=True)
    problems += more
    order = (lot or {}).get("drawn_order") or []
    for r in rows:
        ln, p = lines[r["proposal_id"]], r["proposal_id"]
        mine = {"rank": ln["rank"], "more_than_half": ln["qualifies"], "tied_at_k_settled_by_lot": ln["in_lot"],
                "passed": ln["admitted"], "lot_position": (order.index(p) + 1) if ln["in_lot"] and p in order else None}
        for field, value in mine.items():
            if r.get(field) != value:
                problems.append(f"proposal {p}: published {field}={r.get(field)}, recomputed {value}")
    return problems, note


def panel_light(lights):
    ranked = sorted(LIGHTS.index(x) for x in lights)
    return LIGHTS[ranked[(len(ranked) - 1) // 2]] if ranked else None


def verdicts(doc) -> dict:
    """{proposal id: differences} for every panel verdict in a scores file."""
    members, panel = {}, {}
    for row in doc["scores"]:
        if row["kind"] == "member":
            members.setdefault(row["proposal_id"], []).append(row)
        else:
            panel[row["proposal_id"]] = row
    out = {}
    for pid in sorted(set(panel) | set(members), key=str):
        got, problems = panel.get(pid), []
        if got is None:
            out[pid] = ["the members' lights have no panel verdict"]
            continue
        lights = {}
        for _name, column in INDICATORS:
            try:
                lights[column] = panel_light([m[column] for m in members.get(pid, [])])
            except ValueError:
                problems.append(f"a member's {column} is not a light")
                continue
            if (got.get(column) or None) != lights[column]:
                problems.append(f"{column}: published {got.get(column) or 'none'}, "
                                f"recomputed {lights[column] or 'none'}")
        passes = all(lights.get(c) in ("green", "yellow") for _n, c in INDICATORS)
        if got.get("passed") != ("yes" if passes else "no"):
            problems.append(f"published passed={got.get('passed')}, recomputed {'yes' if passes else 'no'}")
        out[pid] = problems
    return out


def board(data) -> list:
    problems = recount_vote.check_chain(data)
    votes, more = recount_vote.count(data)
    problems += more
    ordered = sorted(votes.values(), reverse=True)
    published = {x["proposal"]: x for x in data["results"]}
    if set(published) != set(votes):
        problems.append("the published results do not list the projects on the ballot")
    for p, v in sorted(votes.items()):
        pub = published.get(p)
        if pub is None:
            continue
        mine = {"votes": v, "rank": 1 + ordered.index(v), "over_threshold": v > data["round"]["threshold"]}
        for field, value in mine.items():
            if pub.get(field) != value:
                problems.append(f"proposal {p}: published {field}={pub.get(field)}, recount {value}")
    return problems


def admission(data, pb_path) -> tuple[list, str]:
    r = data["round"]
    published = {x["proposal"]: x for x in data["results"]}
    lot, note = data.get("lot"), ""
    if r.get("counting_rule", "taipei") != "taipei":
        return budget_admission(data, pb_path, published)
    lines, problems = recount_vote.recount(data)
    if lot and not r.get("lot_commitment"):
        note = "legacy lot: its seed was drawn at the tally, not committed before the vote"
    for p, ln in sorted(lines.items()):
        pub = published.get(p)
        for field in ("in_lot", "admitted"):
            if pub is not None and pub.get(field) != ln[field]:
                problems.append(f"proposal {p}: published {field}={pub.get(field)}, recount {ln[field]}")
    return problems, note


def budget_admission(data, pb_path, published) -> tuple[list, str]:
    """A round counted by a budget rule: the rule on the .pb file, among projects over the threshold."""
    r, rule = data["round"], data["round"]["counting_rule"]
    if rule.startswith("greedy"):
        chosen = recount_pb.recount(pb_path, rule, min_votes=r["threshold"] + 1)
    elif r["threshold"] == 0:
        chosen = recount(pb_path, rule)
    else:
        return [], f"not reproducible here: {rule} with a threshold ({r['threshold']}) is not in recount_pb.py"
    admitted = {str(p) for p, x in published.items() if x["admitted"]}
    if admitted != set(chosen):
        return [f"{rule} selects {sorted(chosen)}, the results admit {sorted(admitted)}"], ""
    return [], ""


_RECOUNTS = {}


def recount(pb_path, rule) -> list:
    """recount_pb.recount, once per file content and rule (Add1 is slow in exact arithmetic: a .pb of
    500 ballots takes seconds); MES with Add1 then greedy starts from the Add1 outcome, as its definition says."""
    with open(pb_path, "rb") as f:
        key = (hashlib.sha256(f.read()).hexdigest(), rule)
    if key not in _RECOUNTS:
        if rule == "mes/add1+greedy":
            budget, costs, ballots, _u = recount_pb.election(*recount_pb.read_pb(pb_path))
            _RECOUNTS[key] = recount_pb.greedy(budget, costs, ballots, already=recount(pb_path, "mes/add1"))
        else:
            _RECOUNTS[key] = recount_pb.recount(pb_path, rule)
    return _RECOUNTS[key]


def rule_comparison(doc, pb_path) -> list:
    problems = []
    for o in doc["outcomes"]:
        try:
            chosen = recount(pb_path, o["rule"])
        except SystemExit:
            problems.append(f"{o['rule']}: recount_pb.py does not know this rule")
            continue
        if set(chosen) != set(o["selected"]):
            problems.append(f"{o['rule']}: published {sorted(o['selected'])}, recount {sorted(chosen)}")
    return problems


def pb_outcome(data, pb_path) -> list:
    meta, projects, votes = recount_pb.read_pb(pb_path)
    _budget, _costs, ballots, _u = recount_pb.election(meta, projects, votes)
    problems, counted = [], {p["project_id"]: 0 for p in projects}
    for b in ballots:
        for p in b:  # pabulib's `votes` column: how many voters chose the project
            counted[p] = counted.get(p, 0) + 1
    approval = meta.get("vote_type", "approval") == "approval"  # else the tally counts points or places
    tally = {str(x["proposal"]): x for x in data["results"]}
    if set(counted) != set(tally):
        problems.append("the .pb file's projects are not the round's")
    if len(ballots) != len(data["ballots"]):
        problems.append(f"the .pb file has {len(ballots)} votes, the board {len(data['ballots'])} ballots")
    for p in projects:
        pid, t = p["project_id"], tally.get(p["project_id"])
        if str(counted.get(pid)) != p.get("votes"):
            problems.append(f"project {pid}: the votes column says {p.get('votes')}, "
                            f"its VOTES add up to {counted.get(pid)}")
        if approval and t is not None and t["votes"] != counted.get(pid):
            problems.append(f"project {pid}: {counted.get(pid)} votes in the .pb file, {t['votes']} in the tally")
        if t is not None and p.get("selected") != ("1" if t["admitted"] else "0"):
            problems.append(f"project {pid}: selected={p.get('selected')}, the tally admitted={t['admitted']}")
    if meta.get("rule") != data["round"].get("counting_rule"):
        problems.append(f"the .pb file declares rule {meta.get('rule')!r}, "
                        f"the round {data['round'].get('counting_rule')!r}")
    return problems


# -- running them ----------------------------------------------------------------------------------

def _run(kit, name, rels, compute) -> tuple[str, list, str]:
    """(name, differences, note): the files' hashes, then the recomputation (an unreadable file differs)."""
    problems = kit.changed(rels)
    try:
        more, note = compute()
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, ZeroDivisionError) as exc:
        more, note = [f"cannot be recomputed from the files ({type(exc).__name__}: {exc})"], ""
    return name, problems + more, note


def _rel(kit, prefix):
    return sorted(rel for rel in kit.files if rel.startswith(prefix))


def _number(rel) -> int:
    return int(rel.split("-")[1].split(".")[0])


def decisions(kit) -> list:
    out = []
    for rel in _rel(kit, "assemblies/assembly-"):
        out.append(_run(kit, f"assembly {_number(rel)} pass results", [rel], lambda rel=rel: assembly(kit.json(rel))))
    for rel in _rel(kit, "panels/"):
        if rel.endswith("-draw-input.json"):
            n, res = _number(rel), rel.replace("-draw-input.json", "-draw-result.json")
            out.append(_run(kit, f"panel {n} draw", [rel, res],
                            lambda rel=rel, res=res: (verify_panel_draw.compare(kit.json(rel), kit.json(res)), "")))
        elif rel.endswith("-scores.json"):
            n = _number(rel)
            try:
                found = verdicts(kit.json(rel))
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                out.append(_run(kit, f"panel {n} verdicts", [rel], lambda exc=exc: ([f"cannot be read ({exc})"], "")))
                continue
            for pid, problems in found.items():
                out.append(_run(kit, f"panel {n} verdict on proposal {pid}", [rel], lambda p=problems: (p, "")))
    for rel in _rel(kit, "rounds/"):
        if not (rel.endswith(".json") and not rel.endswith("-rules.json")):
            continue
        n, pb, rules = _number(rel), rel[:-5] + ".pb", rel[:-5] + "-rules.json"
        pb_path = kit.path(pb)
        out.append(_run(kit, f"round {n} board → tally", [rel], lambda rel=rel: (board(kit.json(rel)), "")))
        out.append(_run(kit, f"round {n} admission", [rel, pb],
                        lambda rel=rel, p=pb_path: admission(kit.json(rel), p)))
        if rules in kit.files:
            out.append(_run(kit, f"round {n} rule comparison", [rules, pb],
                            lambda r=rules, p=pb_path: (rule_comparison(kit.json(r), p), "")))
        out.append(_run(kit, f"round {n} .pb outcome", [pb, rel],
                        lambda rel=rel, p=pb_path: (pb_outcome(kit.json(rel), p), "")))
    listed = set(kit.files)
    on_disk = set()
    for base, dirs, names in os.walk(kit.root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # Python's own cache, if a tool was imported
        for name in names:
            rel = os.path.relpath(os.path.join(base, name), kit.root).replace(os.sep, "/")
            if rel != "manifest.json":
                on_disk.add(rel)
    extra = [f"{rel} is not in the manifest" for rel in sorted(on_disk - listed)]
    out.append(_run(kit, "manifest", sorted(listed), lambda: (extra, "")))
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    try:
        kit = Kit(argv[0])
    except (OSError, ValueError) as exc:
        print(f"cannot read {argv[0]}/manifest.json: {exc}")
        return 2
    found = decisions(kit)
    differ = 0
    for name, problems, note in found:
        if problems:
            differ += 1
            print(f"{name}: DIFFERS — " + "; ".join(problems))
        elif note.startswith("not reproducible"):
            print(f"{name}: {note}")
        else:
            print(f"{name}: match" + (f" ({note})" if note else ""))
    print(f"cycle {kit.manifest.get('cycle')}: {len(found)} decisions, {differ} differ; "
          f"manifest.json SHA-256 {hashlib.sha256(kit.manifest_bytes).hexdigest()}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
