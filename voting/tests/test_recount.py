"""The standalone recount (scripts/recount_vote.py, standard library only) agrees with the platform, and
notices a changed ballot or result in the export; a tie across the cap is redrawn from the recorded seed."""
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from pbcity.models import DistrictQuota
from proposals.models import Proposal, TransitionLog
from proposals.states import State
from voting.models import RoundResult, TallyLot
from voting.services import rounds as round_services
from voting.services import tally as tally_services

from .round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

pytestmark = pytest.mark.django_db
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "recount_vote.py"


@pytest.fixture
def tallied(civil, cycle, district, projects, django_capture_on_commit_callbacks):
    # Threshold 1, cap 2: a and b tie at the top would be fine; here b and c tie at rank 2 for one place.
    DistrictQuota.objects.create(cycle=cycle, district=district, admission_cap=2, vote_threshold=1)
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=3), actor=civil)
    a, b, c, d = projects
    ballots = [[a, b], [a, c], [a, b, c], [a], [d]]
    for picks in ballots:
        cast(r, verified_voter(cycle, district), picks)
    r = close(r, civil)
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    return r


def _run(tmp_path, data) -> subprocess.CompletedProcess:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60)


def test_tie_across_the_cap_is_drawn_by_lot_and_recorded(tallied, projects):
    a, b, c, d = projects
    lot = TallyLot.objects.get(round=tallied)
    assert lot.votes == 2 and lot.slots == 1 and sorted(lot.drawn_order) == sorted([b.pk, c.pk])
    winner = lot.drawn_order[0]
    admitted = set(RoundResult.objects.filter(round=tallied, admitted=True).values_list("proposal_id", flat=True))
    assert admitted == {a.pk, winner}
    loser = Proposal.objects.get(pk=({b.pk, c.pk} - {winner}).pop())
    assert loser.state == State.NOT_ADMITTED
    reason = str(TransitionLog.objects.get(proposal=loser, transition="reject_at_vote").reason)
    assert "抽籤未抽中" in reason or "not drawn by lot" in reason
    assert Proposal.objects.get(pk=a.pk).state == State.ADMITTED
    # The round's audit records (events, result lines, the lot) are all in the platform's audit chain.
    from django.core.management import call_command

    call_command("audit_verify", stdout=io.StringIO())


def test_recount_matches_and_notices_changes(client, tallied, tmp_path, projects):
    data = json.loads(client.get(reverse("voting:export_json", args=[tallied.pk])).content)
    ok = _run(tmp_path, data)
    assert ok.returncode == 0 and "MATCH" in ok.stdout, ok.stdout + ok.stderr

    changed = json.loads(json.dumps(data))
    other = projects[0].pk if [projects[3].pk, 1] in changed["ballots"][0]["choices"] else projects[3].pk
    changed["ballots"][0]["choices"] = [[other, 1]]
    out = _run(tmp_path, changed)
    assert out.returncode == 1 and "line 1" in out.stdout and "content hash" in out.stdout

    reordered = json.loads(json.dumps(data))
    reordered["ballots"][0], reordered["ballots"][1] = reordered["ballots"][1], reordered["ballots"][0]
    assert "expected line 1" in _run(tmp_path, reordered).stdout

    dropped = json.loads(json.dumps(data))
    dropped["ballots"].pop()
    assert "published at close" in _run(tmp_path, dropped).stdout

    result = json.loads(json.dumps(data))
    result["results"][0]["votes"] += 1
    assert "published votes" in _run(tmp_path, result).stdout

    lot = json.loads(json.dumps(data))
    lot["lot"]["drawn_order"].reverse()
    assert "recorded lot is not the order its seed draws" in _run(tmp_path, lot).stdout
