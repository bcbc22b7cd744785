"""Real elections in the pabulib format: our rules against pabutools and the standalone recount."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voting.counting import RULES, pabulib

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "voting" / "fixtures" / "pabulib"
FILES = sorted(DATA.glob("*.pb"))
# pabutools' outcomes, computed by benchmarks/pabutools_reference.py under the settings recorded in
# docs/decisions.md ("Counting rules"). pabutools takes minutes on Toulouse with Add1, so its
# outcomes are stored; `-m slow` recomputes ours on that file.
REFERENCE = json.loads((Path(__file__).parent / "data" / "pabutools_reference.json").read_text())
SLOW = {("France_Toulouse_2024.pb", "mes/add1"), ("France_Toulouse_2024.pb", "mes/add1+greedy")}

assert len(FILES) >= 4, "voting/fixtures/pabulib holds the shared elections"


def load(name):
    return pabulib.parse((DATA / name).read_text(encoding="utf-8"))


def cases():
    for name, rules in sorted(REFERENCE.items()):
        for rule in rules:
            marks = [pytest.mark.slow] if (name, rule) in SLOW else []
            yield pytest.param(name, rule, id=f"{name[:20]}-{rule}", marks=marks)


@pytest.mark.parametrize("name,rule", list(cases()))
def test_outcome_equals_pabutools(name, rule):
    pb = load(name)
    election = pb.election()
    ours = RULES[rule](election)
    theirs = set(REFERENCE[name][rule]["selected"])
    if rule == "greedy":
        # pabutools' greedy also funds projects nobody voted for when money is left; ours does not.
        theirs = {p for p in theirs if election.votes()[p] > 0}
    assert sorted(ours.selected) == sorted(theirs)
    assert ours.cost <= election.budget


def test_assen_mes_add1_selects_exactly_the_official_winners():
    pb = load("Netherlands_Assen_2024.pb")
    official = {p["project_id"] for p in pb.projects if p["selected"] == "1"}
    assert pb.meta["rule"] == "equalshares/add1"
    assert set(RULES["mes/add1"](pb.election()).selected) == official


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:24])
def test_import_export_import_is_lossless(path):
    first = pabulib.parse(path.read_text(encoding="utf-8"))
    second = pabulib.parse(pabulib.dump_file(first))
    assert second.meta == first.meta
    assert second.projects == first.projects
    assert second.votes == first.votes
    assert second.election().ballots == first.election().ballots
    assert second.election().costs == first.election().costs


@pytest.mark.parametrize(
    "text,message",
    [
        ("PROJECTS\nproject_id;cost\n1;10\n", "line 1: the file must start with META"),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;ten\nVOTES\nvoter_id;vote\n",
            "line 6: 'ten' is not a number",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv1;1,2\n",
            "unknown project '2'",
        ),
        ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n", "no VOTES section"),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5;extra\nVOTES\nvoter_id;vote\n",
            "line 6: 3 fields",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv1;1\nv1;1\n",
            "appears twice",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\nv1;1;\n",
            "1 projects but 0 points",
        ),
    ],
)
def test_malformed_files_are_refused_with_the_line(text, message):
    with pytest.raises(pabulib.PbFormatError, match=message):
        pabulib.parse(text)


def run_script(path, rule, expect=None):
    cmd = [sys.executable, str(ROOT / "scripts" / "recount_pb.py"), str(path), "--rule", rule]
    if expect is not None:
        cmd += ["--expect", ",".join(expect)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize(
    "name",
    [
        "Netherlands_Assen_2024.pb",
        "Switzerland_Zurich_D10.pb",
        "US_Stanford_Dataset_2022_Jersey_City_Ward_E_vote_knapsacks.pb",
    ],
)
@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_standalone_recount_agrees_with_the_platform(name, rule):
    ours = RULES[rule](load(name).election()).selected
    done = run_script(DATA / name, rule, expect=ours)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "match" in done.stdout


def test_standalone_recount_agrees_on_assen_with_add1_and_says_where_it_differs():
    official = [p["project_id"] for p in load("Netherlands_Assen_2024.pb").projects if p["selected"] == "1"]
    assert run_script(DATA / "Netherlands_Assen_2024.pb", "mes/add1", expect=official).returncode == 0
    plain = RULES["mes"](load("Netherlands_Assen_2024.pb").election()).selected
    wrong = run_script(DATA / "Netherlands_Assen_2024.pb", "mes", expect=plain[:-1] + ["8"])
    assert wrong.returncode == 1
    assert "DIFFERS" in wrong.stdout
