"""The review panel's pure rules at their edges: aggregation, composition, pools, replacement, conflicts."""
from fractions import Fraction

import pytest

from deliberation import rules
from deliberation.rules import GREEN, RED, YELLOW, panel_light, proposal_passes

# -- aggregation: lower median ---------------------------------------------------------------

@pytest.mark.parametrize("lights, expected", [
    ([], None),
    ([GREEN], GREEN),
    ([RED], RED),
    ([GREEN, RED], RED),  # an even split goes to the lower light
    ([GREEN, YELLOW], YELLOW),
    ([GREEN, GREEN, RED], GREEN),
    ([RED, RED, GREEN], RED),
    ([GREEN] * 4 + [RED] * 5, RED),  # 9 members, one vote decides
    ([GREEN] * 5 + [RED] * 4, GREEN),
    ([GREEN] * 3 + [YELLOW] * 3 + [RED] * 3, YELLOW),
    ([GREEN] * 4 + [YELLOW] + [RED] * 4, YELLOW),
    ([GREEN] * 4 + [RED] * 4, RED),  # 8 scorers (one conflicted out), a tie
    ([GREEN] * 5 + [RED] * 3, GREEN),
])
def test_panel_light_is_the_lower_median(lights, expected):
    assert panel_light(lights) == expected
    assert panel_light(list(reversed(lights))) == expected  # order does not matter


def test_unknown_light_is_refused():
    with pytest.raises(KeyError):
        panel_light(["blue"])


def test_all_green_or_yellow_passes_any_red_fails():
    assert proposal_passes({"publicness": GREEN, "legality": YELLOW, "budget": YELLOW})
    assert proposal_passes({"publicness": YELLOW, "legality": YELLOW, "budget": YELLOW})
    for ind in rules.INDICATORS:
        lights = {i: GREEN for i in rules.INDICATORS}
        lights[ind] = RED
        assert not proposal_passes(lights)
        lights[ind] = None  # nobody scored it
        assert not proposal_passes(lights)
    assert not proposal_passes({"publicness": GREEN, "legality": GREEN})  # missing indicator


def test_panel_lights_per_indicator():
    sheets = [
        {"publicness": GREEN, "legality": GREEN, "budget": RED},
        {"publicness": GREEN, "legality": YELLOW, "budget": RED},
        {"publicness": RED, "legality": YELLOW, "budget": GREEN},
    ]
    assert rules.panel_lights(sheets) == {"publicness": GREEN, "legality": YELLOW, "budget": RED}
    assert not proposal_passes(rules.panel_lights(sheets))


# -- composition ------------------------------------------------------------------------------

def full_panel():
    seats, n = [], 0
    for seat_type, quota in rules.SEAT_QUOTAS.items():
        for _ in range(quota):
            n += 1
            seats.append((seat_type, n))
    return seats


def test_twelve_seats_with_every_quota():
    assert rules.PANEL_SIZE == 12
    assert rules.SEAT_QUOTAS == {"host": 1, "co_host": 1, "deliberator": 1, "advanced": 2, "basic": 5, "proposer": 2}
    assert rules.composition_problems(full_panel()) == []


@pytest.mark.parametrize("seat_type", list(rules.SEAT_QUOTAS))
def test_each_quota_short_or_over(seat_type):
    seats = full_panel()
    short = [s for s in seats if s[0] != seat_type] + [s for s in seats if s[0] == seat_type][1:]
    assert rules.composition_problems(short) == [f"missing:{seat_type}"]
    over = seats + [(seat_type, 99)]
    assert rules.composition_problems(over) == [f"too_many:{seat_type}"]


def test_one_person_in_two_seats_and_unknown_seat():
    seats = full_panel()
    seats[-1] = (seats[-1][0], 1)
    assert "twice:1" in rules.composition_problems(seats)
    assert "unknown:mayor" in rules.composition_problems(full_panel() + [("mayor", 50)])


def test_hosts_and_deliberator_do_not_score():
    assert [t for t in rules.SEAT_QUOTAS if rules.may_score(t)] == ["advanced", "basic", "proposer"]
    assert sum(rules.SEAT_QUOTAS[t] for t in rules.DRAWN_SEATS) == 9


# -- pools -------------------------------------------------------------------------------------

def test_previous_year_proposer_from_the_district_under_review_is_excluded():
    daan, beitou = 1, 2
    ok = rules.previous_year_proposer_eligible
    assert ok(proposal_district_ids=[beitou], home_district_id=beitou, panel_district_id=daan)
    assert ok(proposal_district_ids=[beitou], home_district_id=None, panel_district_id=daan)
    assert not ok(proposal_district_ids=[daan], home_district_id=beitou, panel_district_id=daan)
    assert not ok(proposal_district_ids=[beitou, daan], home_district_id=beitou, panel_district_id=daan)
    assert not ok(proposal_district_ids=[beitou], home_district_id=daan, panel_district_id=daan)
    assert not ok(proposal_district_ids=[], home_district_id=beitou, panel_district_id=daan)


def test_pools_are_disjoint_and_exclude_appointed_members():
    pools = rules.split_pools(basic=[1, 2, 3, 4], advanced=[5, 6, 7], proposers=[3, 7, 8, 9], excluded=[9, 2])
    assert pools == {"advanced": [5, 6], "basic": [1, 4], "proposer": [3, 7, 8]}


def test_selection_probability_is_exact():
    assert rules.selection_probability(quota=5, pool_size=60) == Fraction(1, 12)
    assert rules.selection_probability(quota=2, pool_size=2) == 1
    assert rules.selection_probability(quota=2, pool_size=1) == 1  # a short pool: everyone is drawn
    assert rules.selection_probability(quota=2, pool_size=0) == 0


# -- replacement --------------------------------------------------------------------------------

def test_next_alternate_of_the_same_seat_type_in_order():
    order = ["a", "b", "c", "d", "e"]
    assert rules.next_alternate(order=order, quota=2, unavailable={"a", "b"}) == "c"
    assert rules.next_alternate(order=order, quota=2, unavailable={"a", "b", "c"}) == "d"
    # a member drawn into the panel is never an alternate of their own seat
    assert rules.next_alternate(order=order, quota=2) == "c"
    assert rules.next_alternate(order=order, quota=2, unavailable={"c", "d", "e"}) is None
    assert rules.next_alternate(order=["a"], quota=2) is None


def test_hosts_and_deliberator_are_never_replaced_or_replacements():
    assert not rules.replacement_allowed("host")
    assert not rules.replacement_allowed("co_host")
    assert not rules.replacement_allowed("deliberator")
    assert all(rules.replacement_allowed(t) for t in ("advanced", "basic", "proposer"))


def test_conflict_of_interest():
    assert rules.has_conflict(member=3, proposers=[1, 3])
    assert not rules.has_conflict(member=3, proposers=[1, 2])
    assert not rules.has_conflict(member=3, proposers=[])
