"""The i-Voting demo: two counted rounds with ballots, a board and results, one open round a demo resident
can vote in; built through the services and idempotent."""
import time

import pytest
from django.urls import reverse

from pbcity import demo as city
from voting import demo_rounds
from voting.models import Ballot, Round, RoundResult
from voting.services.board import board_verify
from voting.services.tally import round_scores

pytestmark = pytest.mark.django_db


def test_demo_rounds(client):
    ref = city.reference_data()
    ref["cycles"] = city.cycles()
    ref["users"] = city.users(ref)
    from voting import demo as voting_demo

    voting_demo.seed_voters(ref)  # resident1 becomes a verified voter of Da'an
    started = time.monotonic()
    rounds = demo_rounds.seed(ref)
    assert time.monotonic() - started < 60  # generous bound for a shared CI box; ~10 s here
    closed = [r for r in rounds if r.status == Round.Status.TALLIED]
    assert len(closed) == 2 and {r.district.code for r in closed} == {"beitou", "zhongshan"}
    for r in closed:
        assert board_verify(round_=r) is None and r.board_size == Ballot.objects.filter(round=r).count() > 300
        lines = RoundResult.objects.filter(round=r)
        assert lines.filter(admitted=True).count() >= 1 and lines.filter(admitted=False).count() >= 1
        assert dict(lines.values_list("proposal_id", "votes")) == round_scores(round_=r)
        assert client.get(reverse("voting:results", args=[r.pk])).status_code == 200
    live = next(r for r in rounds if r.status == Round.Status.OPEN)
    client.force_login(ref["users"]["residents"][0])
    page = client.get(reverse("voting:ballot", args=[live.pk])).content.decode()
    assert 'name="step" value="review"' in page
    counts = (Round.objects.count(), Ballot.objects.count(), RoundResult.objects.count())
    demo_rounds.seed(ref)
    assert (Round.objects.count(), Ballot.objects.count(), RoundResult.objects.count()) == counts
