"""Planted mobilisation in a synthetic i-Voting round raises its flag, and only it; a clean vote raises none.

The clean vote: 300 voters of every age band over five days, each from their own network, choosing one to
three of six projects at random. The plants: one network's burst (40 ballots within 20 minutes from one
/24, one kind of phone), a last-day surge (100 ballots for project 0 on the last day), an age anomaly (50
ballots for project 1 from voters aged 16–19) and a bundle (50 ballots for projects 2 and 3 together).
"""
import pytest

from mobilisation.models import Flag
from mobilisation.services import round_flags_compute
from voting.models import BoardStratum
from voting.rules import STRATUM_MIN
from voting.tests.round_helpers import cast_people, civil  # noqa: F401

from .vote_helpers import DAYS, DEVICES, Vote

pytestmark = pytest.mark.django_db

K = Flag.Kind


def raised(r):
    return {(f.kind, f.proposal_id) for f in Flag.objects.filter(round=r, active=True)}


def test_a_clean_vote_raises_no_flag(cast_people, civil, cycle, district):
    vote = Vote(cast_people, civil, cycle, district)
    vote.clean()
    assert round_flags_compute(round_=vote.round) == []
    r = vote.open()
    assert round_flags_compute(round_=r) == []
    # The opening counted the traits, in groups of ten or more ballots.
    totals = BoardStratum.objects.filter(round=r, proposal=None)
    assert {s.kind for s in totals} == {"day", "age"}
    assert all(s.ballots >= STRATUM_MIN for s in totals)
    assert sum(s.ballots for s in totals if s.kind == "day") == 300


def test_each_planted_mobilisation_raises_its_flag(cast_people, civil, cycle, district):
    vote = Vote(cast_people, civil, cycle, district)
    p = vote.projects
    vote.clean()
    # One network's burst: 40 ballots from 203.0.113.0/24 within 20 minutes of day 2, all on one phone model.
    for i in range(40):
        vote.cast(vote.rng.sample(p, 2), at=vote.when(2, hour=10, minute=i // 2), address=f"203.0.113.{i + 1}",
                  device=DEVICES[1])
    # While the vote runs, only the participation-level flags can be read.
    during = round_flags_compute(round_=vote.round)
    assert {f.kind for f in during} == {K.NETWORK, K.DEVICE}
    network = next(f for f in during if f.kind == K.NETWORK)
    assert network.count == 40 and network.value == 40 and network.threshold <= 40 and network.baseline < 1
    for _i in range(100):
        vote.cast([p[0]], day=DAYS - 1)  # a last-day surge for project 0
    for _i in range(50):
        vote.cast([p[1]], band=0)  # project 1's voters: a school class of 16-19-year-olds
    for _i in range(50):
        vote.cast([p[2], p[3]])  # a bundle: "vote for 2 and 3"
    r = vote.open()
    flags = round_flags_compute(round_=r)
    assert {(k, pk) for k, pk in raised(r) if k != K.BUNDLE} == {
        (K.NETWORK, None), (K.DEVICE, None), (K.LAST_DAY, p[0].pk), (K.AGE, p[1].pk)}
    by_kind = {f.kind: f for f in flags}
    surge = by_kind[K.LAST_DAY]
    assert surge.value > surge.threshold >= surge.baseline * 1.5 and surge.subject == f"day:{DAYS - 1}-{DAYS - 1}"
    age = by_kind[K.AGE]
    assert age.subject == "age:0-0" and age.value > age.threshold
    # One bundle, read from the project with fewer voters: "of its voters, how many also chose the other".
    bundle = by_kind[K.BUNDLE]
    assert [f.kind for f in flags].count(K.BUNDLE) == 1
    assert {bundle.proposal_id, bundle.details["other"]} == {p[2].pk, p[3].pk} and bundle.details["lift"] >= 1.5
    # Each flag states its measure's numbers and the group, in both languages.
    for f in flags:
        assert f.tail < 1e-5 and f.value >= f.threshold and f.subject_label and f.scope_label
    # Recomputing keeps the same flags (no duplicates).
    round_flags_compute(round_=r)
    assert Flag.objects.filter(round=r).count() == len(flags)
