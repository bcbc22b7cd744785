"""Ballot validity per type and the Taipei admission rule at their edges (pure, no database)."""
import pytest

from voting import rules
from voting.rules import APPROVAL, KNAPSACK, POINTS, RANKING, BallotInvalid, BallotSpec, TallyInput

PROJECTS = {"a": 100, "b": 200, "c": 300, "d": 400, "e": 500, "f": 600}
TAIPEI = BallotSpec(kind=APPROVAL, min_choices=1, max_choices=5)


def code(spec, choices):
    with pytest.raises(BallotInvalid) as exc:
        rules.ballot_validate(spec, choices, projects=PROJECTS)
    return exc.value.code


# -- approval (Taipei: choose 1 to 5) ---------------------------------------------------------

def test_approval_one_and_five_are_fine_zero_and_six_are_not():
    assert rules.ballot_validate(TAIPEI, {"a": 1}, projects=PROJECTS) == {"a": 1}
    five = dict.fromkeys("abcde", 1)
    assert rules.ballot_validate(TAIPEI, five, projects=PROJECTS) == five
    assert code(TAIPEI, {}) == "too_few"
    assert code(TAIPEI, dict.fromkeys("abcdef", 1)) == "too_many"


def test_approval_refuses_unknown_projects_weights_and_bools():
    assert code(TAIPEI, {"zz": 1}) == "unknown_project"
    assert code(TAIPEI, {"a": 2}) == "bad_value"
    assert code(TAIPEI, {"a": True}) == "bad_value"
    assert code(TAIPEI, {"a": -1}) == "bad_value"


def test_zero_values_are_not_choices():
    assert rules.ballot_validate(TAIPEI, {"a": 1, "b": 0}, projects=PROJECTS) == {"a": 1}


def test_approval_minimum_above_one():
    spec = BallotSpec(kind=APPROVAL, min_choices=2, max_choices=3)
    assert code(spec, {"a": 1}) == "too_few"
    assert rules.ballot_validate(spec, {"a": 1, "b": 1}, projects=PROJECTS)


# -- points -----------------------------------------------------------------------------------

def scored(spec, chosen):
    """What one valid ballot adds to each project, through the function the tally calls per value."""
    return {key: rules.score_of_value(spec, value) for key, value in chosen.items()}


POINTS_SPEC = BallotSpec(kind=POINTS, min_choices=1, max_choices=6, points=10, max_per_project=5)


def test_points_up_to_the_total_and_the_cap_per_project():
    assert rules.ballot_validate(POINTS_SPEC, {"a": 5, "b": 5}, projects=PROJECTS) == {"a": 5, "b": 5}
    assert rules.ballot_validate(POINTS_SPEC, {"a": 3}, projects=PROJECTS) == {"a": 3}
    assert code(POINTS_SPEC, {"a": 5, "b": 5, "c": 1}) == "too_many_points"
    assert code(POINTS_SPEC, {"a": 6}) == "too_many_points_each"
    assert code(POINTS_SPEC, {"a": 0}) == "too_few"
    assert scored(POINTS_SPEC, {"a": 3, "b": 2}) == {"a": 3, "b": 2}


# -- knapsack ---------------------------------------------------------------------------------

KNAP = BallotSpec(kind=KNAPSACK, min_choices=1, max_choices=6, budget=600)


def test_knapsack_exactly_at_budget_fits_one_over_does_not():
    assert rules.ballot_validate(KNAP, {"a": 1, "e": 1}, projects=PROJECTS) == {"a": 1, "e": 1}
    assert code(KNAP, {"b": 1, "e": 1}) == "over_budget"
    assert scored(KNAP, {"a": 1}) == {"a": 1}


# -- ranking with a score vector ----------------------------------------------------------------

RANK = BallotSpec(kind=RANKING, min_choices=1, max_choices=3, score_vector=(3, 2, 1))


def test_ranking_needs_ranks_1_to_n_without_gaps_or_repeats():
    assert rules.ballot_validate(RANK, {"a": 1, "b": 2, "c": 3}, projects=PROJECTS) == {"a": 1, "b": 2, "c": 3}
    assert code(RANK, {"a": 1, "b": 3}) == "bad_ranks"
    assert code(RANK, {"a": 1, "b": 1}) == "bad_ranks"
    assert code(RANK, {"a": 1, "b": 2, "c": 3, "d": 4}) == "too_many"
    assert scored(RANK, {"a": 1, "b": 2, "c": 3}) == {"a": 3, "b": 2, "c": 1}


@pytest.mark.parametrize("spec, problem", [
    (BallotSpec(kind="plurality"), "unknown_type"),
    (BallotSpec(kind=APPROVAL, min_choices=0, max_choices=5), "choices_range"),
    (BallotSpec(kind=APPROVAL, min_choices=3, max_choices=2), "choices_range"),
    (BallotSpec(kind=APPROVAL, min_choices=7, max_choices=8), "min_exceeds_projects"),
    (BallotSpec(kind=POINTS, points=0, max_per_project=1), "points_missing"),
    (BallotSpec(kind=KNAPSACK, budget=0), "budget_missing"),
    (BallotSpec(kind=RANKING, max_choices=3, score_vector=(1, 2, 3)), "score_vector"),
    (BallotSpec(kind=RANKING, max_choices=3, score_vector=(3, 2)), "score_vector_short"),
])
def test_unusable_round_rules_are_named(spec, problem):
    assert problem in rules.spec_problems(spec, n_projects=6)


def test_usable_specs_have_no_problems():
    for spec in (TAIPEI, POINTS_SPEC, KNAP, RANK):
        assert rules.spec_problems(spec, n_projects=6) == []


# -- thresholds -------------------------------------------------------------------------------

def test_threshold_fixed_permille_and_district_override():
    assert rules.threshold_for(rule="fixed", value=1000, eligible_population=300000) == 1000
    # 1% of 300,001 = 3000.01 -> 3001 (rounded up: "exceed 1%" can never be met by a fraction)
    assert rules.threshold_for(rule="permille", value=10, eligible_population=300001) == 3001
    assert rules.threshold_for(rule="permille", value=10, eligible_population=300000) == 3000
    assert rules.threshold_for(rule="fixed", value=1000, eligible_population=1, override=42) == 42


# -- the Taipei rule --------------------------------------------------------------------------

def taipei(scores, threshold=10, cap=2, draw=None):
    data = TallyInput(spec=TAIPEI, scores=scores, threshold=threshold, cap=cap)
    return rules.COUNTING_RULES["taipei"](data, **({"draw": draw} if draw else {}))


def admitted(outcome):
    return {ln.key for ln in outcome.lines if ln.admitted}


def test_votes_equal_to_threshold_do_not_exceed_it():
    out = taipei({"a": 11, "b": 10, "c": 3})
    assert admitted(out) == {"a"} and out.lot is None
    b = next(ln for ln in out.lines if ln.key == "b")
    assert not b.over_threshold and b.rank == 2


def test_over_threshold_but_beyond_the_cap_is_not_admitted():
    out = taipei({"a": 50, "b": 40, "c": 30}, cap=2)
    assert admitted(out) == {"a", "b"}
    assert [ln.rank for ln in out.lines] == [1, 2, 3]


def test_tie_within_the_cap_admits_both_without_a_lot():
    out = taipei({"a": 50, "b": 50, "c": 30}, cap=2)
    assert admitted(out) == {"a", "b"} and out.lot is None


def test_tie_across_the_cap_is_settled_by_lot_for_the_places_left():
    out = taipei({"a": 50, "b": 40, "c": 40, "d": 40}, cap=2, draw=lambda keys: ["d", "b", "c"])
    assert out.lot.slots == 1 and out.lot.votes == 40 and out.lot.drawn_order == ["d", "b", "c"]
    assert admitted(out) == {"a", "d"}
    assert {ln.key for ln in out.lines if ln.in_lot} == {"b", "c", "d"}


def test_tie_at_cap_below_threshold_needs_no_lot():
    out = taipei({"a": 50, "b": 9, "c": 9}, cap=2)
    assert admitted(out) == {"a"} and out.lot is None


def test_everyone_tied_at_rank_one_with_cap_two():
    out = taipei({"a": 20, "b": 20, "c": 20}, cap=2, draw=lambda keys: ["c", "a", "b"])
    assert admitted(out) == {"c", "a"} and out.lot.slots == 2


def test_default_lot_takes_exactly_the_places_left():
    for _ in range(20):
        out = taipei({"a": 50, "b": 40, "c": 40, "d": 40}, cap=3)
        assert len(admitted(out)) == 3 and "a" in admitted(out)
        assert sorted(out.lot.drawn_order) == ["b", "c", "d"]


def test_no_ballots_admits_nothing():
    out = taipei({"a": 0, "b": 0}, threshold=0)
    assert admitted(out) == set()


def test_registry_lets_other_rules_plug_in():
    @rules.counting_rule("_test_everything")
    def everything(data, *, draw=rules.random_order):
        return rules.TallyOutcome(lines=[rules.Line(k, v, 1, True, admitted=True) for k, v in data.scores.items()])

    try:
        out = rules.COUNTING_RULES["_test_everything"](TallyInput(spec=TAIPEI, scores={"a": 0}))
        assert admitted(out) == {"a"}
    finally:
        del rules.COUNTING_RULES["_test_everything"]


def count(spec, ballots, keys):
    # How the tally's GROUP BY (voting.services.tally.round_scores) adds the stored values up.
    totals = dict.fromkeys(keys, 0)
    for ballot in ballots:
        for key, value in ballot.items():
            totals[key] += rules.score_of_value(spec, value)
    return totals


def test_scores_per_type_over_many_ballots():
    ballots = [{"a": 1, "b": 2}, {"b": 1}]
    assert count(RANK, ballots, "abc") == {"a": 3, "b": 2 + 3, "c": 0}
    assert count(TAIPEI, [{"a": 1}, {"a": 1, "b": 1}], "ab") == {"a": 2, "b": 1}
    assert count(POINTS_SPEC, [{"a": 4}, {"a": 1, "b": 5}], "ab") == {"a": 5, "b": 5}


def test_every_counting_rule_a_round_may_name_is_registered_and_labelled():
    from voting.models import Round
    from voting.templatetags.voting_counting import rule_label

    assert set(Round.CountingRule.values) == set(rules.COUNTING_RULES)
    assert rule_label("mes/add1") == Round.CountingRule.MES_ADD1.label
    assert rule_label("unknown") == "unknown"
