"""Election day at its worst: 64 simultaneous submissions per voter, for 20 voters, through HTTP on PostgreSQL.

Exactly one ballot per voter, no 5xx, and every submission of the same form gets the same receipt.
"""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from voting.models import Ballot, BallotChoice, Participation, SealedBallot
from voting.services import ballots as ballot_services

from .round_helpers import cast_people, civil, close, open_round, projects, verified_voter  # noqa: F401

N_VOTERS = 20
PER_VOTER = 64
RECEIPT = re.compile(r"<strong>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</strong>")


def _session_cookie(user) -> str:
    c = Client()
    c.force_login(user)
    return c.cookies[settings.SESSION_COOKIE_NAME].value


def _hammer(url, jobs):
    """Run (cookie, form, barrier) jobs on 64 threads; each job waits for its batch at the barrier."""
    results = [None] * len(jobs)
    local = threading.local()

    def hit(i):
        cookie, form, barrier = jobs[i]
        if not hasattr(local, "client"):
            local.client = Client()
        local.client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        barrier.wait(timeout=60)
        resp = local.client.post(url, form)
        m = RECEIPT.search(resp.content.decode())
        results[i] = (resp.status_code, m.group(1) if m else None)

    def close(barrier):
        barrier.wait(timeout=60)  # every worker thread takes exactly one of these
        connection.close()

    with ThreadPoolExecutor(max_workers=PER_VOTER) as pool:
        list(pool.map(hit, range(len(jobs))))
        done = threading.Barrier(PER_VOTER)
        list(pool.map(lambda _i: close(done), range(PER_VOTER)))
    return results


@pytest.mark.django_db(transaction=True)
def test_64_simultaneous_submissions_per_voter_for_20_voters(open_round, projects, cycle, district):
    assert connection.vendor == "postgresql"
    url = reverse("voting:ballot", args=[open_round.pk])
    voters = [verified_voter(cycle, district) for _i in range(N_VOTERS)]
    jobs, keys = [], []
    for v in voters:
        cookie, key, barrier = _session_cookie(v.user), ballot_services.form_key(), threading.Barrier(PER_VOTER)
        keys.append(key)
        form = {"key": key, "step": "confirm", f"p{projects[0].pk}": "1", f"p{projects[1].pk}": "1"}
        jobs += [(cookie, form, barrier)] * PER_VOTER
    results = _hammer(url, jobs)
    assert all(status == 200 for status, _r in results), {s for s, _r in results}
    for i, key in enumerate(keys):
        answers = {r for _s, r in results[i * PER_VOTER:(i + 1) * PER_VOTER]}
        assert answers == {ballot_services.receipt_for_key(key)}
    assert SealedBallot.objects.count() == Participation.objects.count() == N_VOTERS
    close(open_round)  # the board is written from the ballot box
    assert Ballot.objects.count() == N_VOTERS and BallotChoice.objects.count() == 2 * N_VOTERS
    assert set(Ballot.objects.values_list("receipt", flat=True)) == {ballot_services.receipt_for_key(k) for k in keys}


@pytest.mark.django_db(transaction=True)
def test_64_different_forms_from_one_voter_store_one_ballot(open_round, projects, cycle, district):
    url = reverse("voting:ballot", args=[open_round.pk])
    voter = verified_voter(cycle, district)
    cookie, barrier = _session_cookie(voter.user), threading.Barrier(PER_VOTER)
    jobs = [(cookie, {"key": ballot_services.form_key(), "step": "confirm", f"p{projects[0].pk}": "1"}, barrier)
            for _i in range(PER_VOTER)]
    results = _hammer(url, jobs)
    statuses = sorted(s for s, _r in results)
    assert statuses.count(200) == 1 and statuses.count(409) == PER_VOTER - 1
    assert SealedBallot.objects.count() == Participation.objects.count() == 1
    close(open_round)
    assert Ballot.objects.count() == 1
