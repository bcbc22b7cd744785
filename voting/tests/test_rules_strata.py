"""The coarse traits of a ballot and the rule that keeps every counted group at ten ballots or more."""
import datetime

from voting import rules
from voting.services.strata import strata_counts


def test_traits_day_and_band():
    opens = datetime.date(2026, 7, 1)
    assert rules.ballot_traits(birth_date=datetime.date(2010, 7, 1), opens_on=opens, today=opens) == [0, 0]  # 16
    assert rules.ballot_traits(birth_date=datetime.date(2010, 7, 2), opens_on=opens,
                               today=opens + datetime.timedelta(days=3)) == [3, -1]  # 15 on the opening day
    assert rules.ballot_traits(birth_date=datetime.date(1961, 7, 1), opens_on=opens, today=opens)[1] == 5  # 65
    assert rules.ballot_traits(birth_date=datetime.date(1961, 7, 2), opens_on=opens, today=opens)[1] == 4  # 64


def test_groups_merge_to_at_least_k():
    assert rules.groups_merge({0: 3, 1: 12, 2: 5, 3: 5}) == [(0, 1), (2, 3)]
    assert rules.groups_merge({0: 10, 1: 10, 2: 9}) == [(0, 0), (1, 2)]  # a short last group joins the one before
    assert rules.groups_merge({0: 5, 2: 5}) == [(0, 2)]  # an empty day inside a group is covered
    assert rules.groups_merge({0: 9}) == []  # fewer than ten in all: nothing is kept
    assert rules.groups_merge({-1: 50, 0: 10}) == [(0, 0)]  # no traits: in no group
    assert rules.groups_merge({0: 10}) == [(0, 0)]


def test_strata_never_count_a_group_under_ten():
    ballots = [(f"r{i}", [(7, 1)] if i % 2 else [(8, 1)], (i % 4, 0 if i < 3 else 2)) for i in range(23)]
    rows = strata_counts(ballots)
    totals = [n for kind, lo, hi, p, n in rows if p is None]
    assert all(n >= 10 for n in totals)
    assert sum(n for kind, lo, hi, p, n in rows if p is None and kind == "day") == 23
    # age: 3 ballots in band 0 and 20 in band 2 -> one group (0, 2) of 23
    assert [(lo, hi, n) for kind, lo, hi, p, n in rows if p is None and kind == "age"] == [(0, 2, 23)]
