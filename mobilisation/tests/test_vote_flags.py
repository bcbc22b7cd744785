"""Planted mobilisation in a synthetic i-Voting round raises its flag, and only it; a clean vote raises none.

The clean vote: 300 voters of every age band over five days, each from their own network, choosing one to
three of six projects at random. The plants: one network's burst (40 ballots within 20 minutes from one
/24, one kind of phone), a last-day surge (100 ballots for project 0 on the last day), an age anomaly (50
ballots for project 1 from voters aged 16–19) and a bundle (50 ballots for projects 2 and 3 together).
"""
import pytest
from django.db import DatabaseError, connection, transaction

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
    # The group counts are append-only, like the board written beside them.
    if connection.vendor == "postgresql":
        for sql in ("UPDATE voting_boardstratum SET ballots = ballots + 1 WHERE round_id = %s",
                    "DELETE FROM voting_boardstratum WHERE round_id = %s"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [r.pk])


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


def test_voters_verified_by_one_office_voting_far_above_the_rest_raise_a_flag(cast_people, civil, cycle, district):
    """200 voters matched by the household-register import, 60 of whom vote; 40 verified in person by one
    staff member, all of whom vote: that office's share of the ballots (40 %) against its share of the
    verified voters (17 %)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from pbcity.roles import Role
    from pbcity.tests.factories import staff
    from voting.models import RegisterEntry, RegisterImport, Voter

    vote = Vote(cast_people, civil, cycle, district)
    desk = staff(Role.DISTRICT_OFFICE, district=district)
    batch = RegisterImport.objects.create(cycle=cycle, file=SimpleUploadedFile("r.csv", b"x"), original_name="r.csv",
                                          imported_by=civil, status="done")
    people = []
    for i in range(240):
        user = get_user_model().objects.create(email=f"office-{i}@example.tw", name=f"選民{i}")
        in_person = i >= 200
        voter = Voter.objects.create(
            cycle=cycle, user=user, id_hmac=f"{i + 1:064x}", birth_date="1980-01-01", district=district,
            basis="household", status="verified", verified_at=timezone.now(),
            verified_via="in_person" if in_person else "online", verified_by=desk if in_person else None)
        if not in_person:
            RegisterEntry.objects.create(cycle=cycle, source=batch, id_hmac=voter.id_hmac,
                                         birth_date="1980-01-01", district=district)
        people.append(voter)
    from voting.services import ballots as ballot_services

    for voter in people[:60] + people[200:]:
        ballot_services.ballot_cast(round_id=vote.round.pk, user=voter.user, choices={vote.projects[0].pk: 1},
                                    key=ballot_services.form_key())
    [flag] = round_flags_compute(round_=vote.round)
    assert (flag.kind, flag.subject, flag.count, flag.total) == (K.OFFICE, f"staff:{desk.pk}", 40, 100)
    assert flag.value == 0.4 and flag.baseline == pytest.approx(40 / 240)
    assert flag.details == {"verified_in_group": 40, "verified": 240}
