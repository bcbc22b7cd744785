"""The city's own rule, read from a pabulib file's META, reproduces what real cities funded
(voting/counting/official.py; the table in docs/counting.md), and Add1 skips only steps that cannot
change the outcome."""

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from voting.counting import Election, official, pabulib
from voting.counting.greedy import greedy
from voting.counting.mes import BUDGET, EXHAUSTIVE, equal_shares

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "voting" / "fixtures" / "pabulib"

# Every `rule` string that occurs in pabulib (pabulib/pabulib_files at 88cfaba, 1,746 files).
PABULIB_RULES = {"greedy", "greedy-threshold", "greedy-no-skip", "greedy-custom", "greedy-exclusive", "unknown",
                 "equalshares/add1", "equalshares/add1-comparison"}

# file → (declared rule, what we count, why it cannot be fully reproduced, official = selected?)
# None in the last place: the file has no `selected` column, or the rule cannot be counted.
EXPECTED = {
    "France_Toulouse_2024.pb": ("greedy", "greedy", "", None),
    "Netherlands_Amsterdam_643.pb": ("greedy", "greedy", "", None),
    "Netherlands_Assen_2024.pb": ("equalshares/add1", "mes/add1-budget", "", True),
    "Poland_Czestochowa_2024_Podjasnogorska.pb": ("greedy", "greedy", "", True),
    "Poland_Czestochowa_2025_Podjasnogorska.pb": ("greedy-threshold", "greedy", "", True),
    "Poland_Gdynia_2020_Babie_Doly__small.pb": ("greedy-no-skip", "greedy/stop", "outside", True),
    "Poland_Gdynia_2022_Babie_Doly__small.pb": ("greedy-no-skip", "greedy/stop", "", True),
    "Poland_Katowice_2024_Zarzecze.pb": ("greedy-threshold", "greedy", "outside", True),
    "Poland_Krakow_2021_Bienczyce.pb": ("greedy", "greedy", "", True),
    "Poland_Krakow_2022_Czyzyny.pb": ("greedy", "greedy", "", True),
    "Poland_Lodz_2020_Nr_33.pb": ("greedy-threshold", "greedy", "", True),
    "Poland_Lodz_2024_Katedralna.pb": ("greedy-threshold", "greedy", "", True),
    "Poland_Poznan_2023_9_-_Stare_Miasto.pb": ("greedy-custom", "poznan", "", True),
    "Poland_Poznan_2024_11_-_Fabianowo-Kotowo_Gorczyn_Junikowo_Kwiatowe_Lawica__large.pb":
        ("greedy-custom", "poznan", "", True),
    "Poland_Poznan_2025_9_-_Stare_Miasto__large.pb": ("greedy-custom", "poznan", "reserve", True),
    "Poland_Swiecie_2023.pb": ("equalshares/add1", "mes/add1-budget", "", True),
    # The one difference: the city left 5,000 of 123,927 unspent with project 1649 (93 votes, over the
    # threshold of 39) unfunded; nothing in the file explains it (docs/counting.md).
    "Poland_Warszawa_2018_Las.pb": ("greedy-threshold", "greedy", "", False),
    "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb": ("greedy", "greedy", "", True),
    "Poland_Warszawa_2024_Wesola.pb": ("greedy-exclusive", "greedy", "exclusive", True),
    "Poland_Wieliczka_2023_Green_Budget.pb": ("equalshares/add1-comparison", "mes/add1-budget+compare", "", True),
    "Poland_Wroclaw_2017_Rejon_nr_11_750.pb": ("greedy-no-skip", "greedy/stop", "", True),
    "Switzerland_Zurich_D10.pb": ("unknown", None, "unknown", None),
    "US_Stanford_Dataset_2022_Jersey_City_Ward_E_vote_knapsacks.pb": ("unknown", None, "unknown", None),
    "US_Stanford_Dataset_PB_Chicago_35th_Ward_2021_vote_rankings.pb": ("unknown", None, "unknown", None),
}
KNOWN_DIFFERENCES = {"Poland_Warszawa_2018_Las.pb": ({"1649"}, set())}  # (only ours, only the city's)


def load(name):
    return pabulib.parse((DATA / name).read_text(encoding="utf-8"))


def test_the_fixtures_are_the_table_and_cover_every_rule_string_of_pabulib():
    assert sorted(p.name for p in DATA.glob("*.pb")) == sorted(EXPECTED)
    assert {rule for rule, *_ in EXPECTED.values()} == PABULIB_RULES
    assert len(EXPECTED) >= 20
    assert all(p.stat().st_size < 200_000 for p in DATA.glob("*.pb"))


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n[:32])
def test_the_citys_own_rule_gives_what_the_city_funded(name):
    rule, method, reason, same = EXPECTED[name]
    pb = load(name)
    result = official.official(pb)
    assert (result.declared.rule, result.declared.method, result.declared.reason) == (rule, method, reason)
    assert result.matches is same
    if result.outcome is not None:
        if method != "poznan":  # Poznań's 80 % rule funds beyond the budget from reserves
            assert result.outcome.cost <= pb.election().budget
        assert result.outcome.rule == rule
    if same is False:
        ours, city = set(result.outcome.selected), result.recorded
        assert (ours - city, city - ours) == KNOWN_DIFFERENCES[name]


def test_the_threshold_keeps_a_project_that_fits_out():
    pb = load("Poland_Lodz_2020_Nr_33.pb")
    declared = official.declared_rule(pb)
    assert declared.threshold == 50
    plain = set(greedy(pb.election(), ties="lot").selected)
    city = official.recorded_winners(pb)
    assert plain != city and plain > city  # without the threshold one more project fits
    scores = pb.election().scores()
    assert all(scores[p] < 50 for p in plain - city)
    assert set(official.official_outcome(pb).selected) == city


def test_ordinal_ballots_are_scored_3_2_1_where_borda_would_fund_other_projects():
    pb = load("Poland_Krakow_2021_Bienczyce.pb")
    declared = official.declared_rule(pb)
    assert declared.scoring == (3, 2, 1)
    assert official.score_column_agrees(pb, (3, 2, 1)) is True
    borda = set(greedy(pb.election(), ties="lot").selected)  # pb.election() scores n − rank
    assert borda != official.recorded_winners(pb)
    assert set(official.official_outcome(pb).selected) == official.recorded_winners(pb)


def test_a_declared_scoring_function_is_used():
    text = ("META\nkey;value\nbudget;100\nvote_type;ordinal\nrule;greedy\nscoring_fn;{fn}\n"
            "PROJECTS\nproject_id;cost\na;60\nb;60\nc;40\nVOTES\nvoter_id;vote\n1;a,c\n2;b,a\n3;c,b\n")
    pb = pabulib.parse(text.format(fn="5-1"))
    assert official.declared_rule(pb).scoring == (5, 1)
    assert pb.election(scoring=(5, 1)).scores() == {"a": 6, "b": 6, "c": 6}
    pb = pabulib.parse(text.format(fn="Borda"))
    assert official.declared_rule(pb).scoring == (3, 2, 1)
    with pytest.raises(ValueError, match="neither Borda nor a list of points"):
        official.scoring_vector({"vote_type": "ordinal", "scoring_fn": "x,y"}, 3)
    # On a file, an unreadable scoring_fn is reported, never guessed and never an error.
    result = official.official(pabulib.parse(text.format(fn="x,y")))
    assert result.outcome is None and result.declared.reason == "meta"


def test_no_skip_stops_at_the_first_project_that_does_not_fit():
    pb = load("Poland_Gdynia_2022_Babie_Doly__small.pb")
    city = official.recorded_winners(pb)
    election = pb.election()
    skip = greedy(election, ties="lot", min_score=official.declared_rule(pb).threshold)
    assert set(skip.selected) != city
    assert set(official.official_outcome(pb).selected) == city


def test_poznan_funds_the_next_project_when_80_percent_of_it_is_left():
    pb = load("Poland_Poznan_2024_11_-_Fabianowo-Kotowo_Gorczyn_Junikowo_Kwiatowe_Lawica__large.pb")
    by_rule = {p["project_id"] for p in pb.projects if p["selected"] == "2"}
    assert by_rule
    out = official.official_outcome(pb)
    assert by_rule <= set(out.selected) and out.cost > out.budget  # funded beyond the budget, from reserves
    assert "80 %" in out.notes[by_rule.pop()]


def test_add1_until_the_budget_is_what_wieliczka_did_and_the_first_exhaustive_outcome_is_not():
    pb = load("Poland_Wieliczka_2023_Green_Budget.pb")
    election, city = pb.election(), official.recorded_winners(pb)
    assert set(equal_shares(election, add1=True, add1_until=BUDGET).selected) == city
    assert set(equal_shares(election, add1=True, add1_until=EXHAUSTIVE).selected) != city


def test_rules_that_cannot_be_reproduced_say_why():
    text = ("META\nkey;value\nbudget;100\nrule;{rule}\nunit;Łódź\nPROJECTS\nproject_id;cost;selected\na;60;1\n"
            "VOTES\nvoter_id;vote\n1;a\n")
    for rule, reason in (("greedy-custom", "custom"), ("unknown", "unknown"), ("lottery", "unsupported")):
        result = official.official(pabulib.parse(text.format(rule=rule)))
        assert result.outcome is None and result.matches is None
        assert result.declared.reason == reason and not result.declared.reproducible
        assert official.REASONS[reason]


def test_a_withdrawn_project_does_not_stop_no_skip_greedy():
    text = ("META\nkey;value\nbudget;100\nrule;greedy-no-skip\nPROJECTS\nproject_id;cost;selected\n"
            "a;999999999;0\nb;60;1\nc;40;1\nVOTES\nvoter_id;vote\n1;a,b,c\n2;a,b\n3;a\n")
    result = official.official(pabulib.parse(text))
    assert result.outcome.selected == ["b", "c"] and result.matches


def _random_elections(count):
    for seed in range(count):
        rnd = random.Random(seed)
        kind = rnd.choice(["approval", "cumulative"])
        costs = {str(i): Fraction(rnd.choice([10, 20, 25, 30, 50, 60, 100]) * rnd.randint(1, 4))
                 for i in range(rnd.randint(3, 9))}
        ballots = []
        for _ in range(rnd.randint(3, 40)):
            picks = rnd.sample(list(costs), rnd.randint(0, min(4, len(costs))))
            ballots.append({p: 1 if kind == "approval" else rnd.randint(1, 5) for p in picks})
        yield Election(budget=Fraction(rnd.choice([100, 200, 300, 500])), costs=costs, ballots=ballots, kind=kind)


@pytest.mark.parametrize("until", [EXHAUSTIVE, BUDGET])
def test_skipping_add1_steps_never_changes_the_outcome(until):
    for election in _random_elections(60):
        fast = equal_shares(election, add1=True, add1_until=until)
        every = equal_shares(election, add1=True, add1_until=until, skip=False)
        assert (fast.selected, fast.spending) == (every.selected, every.spending)


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Switzerland_Zurich_D10.pb",
                                  "US_Stanford_Dataset_2022_Jersey_City_Ward_E_vote_knapsacks.pb"])
def test_skipping_add1_steps_on_real_files_gives_every_steps_outcome(name):
    election = load(name).election()
    for until in (EXHAUSTIVE, BUDGET):
        fast = equal_shares(election, add1=True, add1_until=until)
        every = equal_shares(election, add1=True, add1_until=until, skip=False)
        assert (fast.selected, fast.spending) == (every.selected, every.spending)


def run_official(name):
    return subprocess.run([sys.executable, "-I", str(ROOT / "scripts" / "recount_pb.py"), str(DATA / name),
                           "--official", "--json"], capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin"})


FAST = [n for n, (_, method, _, _) in EXPECTED.items() if method and not method.startswith("mes")
        and n != "France_Toulouse_2024.pb"]


@pytest.mark.parametrize("name", FAST + ["Netherlands_Assen_2024.pb"], ids=lambda n: n[:32])
def test_the_standalone_script_counts_the_citys_own_rule_as_the_platform_does(name):
    done = run_official(name)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    result = official.official(load(name))
    assert printed["rule"] == result.declared.rule
    assert printed["selected"] == result.outcome.selected
    assert printed["same_as_file"] is result.matches


def test_the_standalone_script_says_when_the_rule_cannot_be_reproduced():
    done = run_official("Switzerland_Zurich_D10.pb")
    assert done.returncode == 2
    printed = json.loads(done.stdout)
    assert printed["rule"] == "unknown" and printed["selected"] is None
    assert "does not say which rule" in printed["not_reproducible"]


@pytest.mark.parametrize("value", ["1e999999999", "abc", "5" * 40])
def test_an_unreadable_or_huge_threshold_is_reported_not_computed(value):
    text = ("META\nkey;value\nbudget;100\nrule;greedy-threshold\nmin_project_score_threshold;{v}\n"
            "PROJECTS\nproject_id;cost;selected\na;60;1\nVOTES\nvoter_id;vote\n1;a\n")
    result = official.official(pabulib.parse(text.format(v=value)))
    assert result.outcome is None and result.declared.reason == "meta"


def test_a_huge_score_in_the_project_list_is_not_turned_into_a_number():
    text = ("META\nkey;value\nbudget;100\nvote_type;ordinal\nrule;greedy\nmax_length;1\nPROJECTS\n"
            "project_id;cost;score;selected\na;60;1e99999999;1\nb;50;0;0\nVOTES\nvoter_id;vote\n1;a\n")
    pb = pabulib.parse(text)
    assert official.score_column_agrees(pb, (1,)) is None  # unreadable, so not used to choose a vector
    assert official.official(pb).matches
