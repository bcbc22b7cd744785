"""The admission lot is committed when the round opens, its seed revealed by the tally; the standalone
recount redraws it from the seed and refuses a seed that does not hash to the commitment."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from pbcity import lot
from pbcity.models import DistrictQuota
from voting.models import Round, TallyLot
from voting.services import rounds as round_services
from voting.services import tally as tally_services

from .round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

pytestmark = pytest.mark.django_db
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "recount_vote.py"


@pytest.fixture
def opened(civil, cycle, district, projects):
    # Threshold 1, cap 2: b and c tie at rank 2 for one place.
    DistrictQuota.objects.create(cycle=cycle, district=district, admission_cap=2, vote_threshold=1)
    return round_services.round_open(round_=make_round(civil, cycle, district, max_choices=3), actor=civil)


def _tally(r, civil, cycle, district, projects, capture):
    a, b, c, d = projects
    for picks in ([a, b], [a, c], [a, b, c], [a], [d]):
        cast(r, verified_voter(cycle, district), picks)
    r = close(r, civil)
    with capture(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    return Round.objects.get(pk=r.pk)


def test_the_lot_is_drawn_from_the_seed_committed_when_the_round_opened(
        opened, civil, cycle, district, projects, client, django_capture_on_commit_callbacks):
    commitment = opened.lot_commitment
    assert len(commitment) == 64 and opened.lot_seed == ""
    board = client.get(reverse("voting:board", args=[opened.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert commitment in board and "stays secret until the vote closes" in board
    r = _tally(opened, civil, cycle, district, projects, django_capture_on_commit_callbacks)
    tl = TallyLot.objects.get(round=r)
    assert r.lot_commitment == commitment
    assert hashlib.sha256(tl.seed.encode()).hexdigest() == commitment == lot.seed_commitment(r.lot_seed)
    a, b, c, d = projects
    assert tl.drawn_order == lot.committed_order(tl.seed, [b.pk, c.pk])
    page = client.get(reverse("voting:results", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert commitment in page and tl.seed in page and "How to check" in page


def _run(tmp_path, data) -> subprocess.CompletedProcess:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60)


def test_the_recount_checks_the_seed_against_the_commitment(
        opened, civil, cycle, district, projects, client, tmp_path, django_capture_on_commit_callbacks):
    r = _tally(opened, civil, cycle, district, projects, django_capture_on_commit_callbacks)
    data = json.loads(client.get(reverse("voting:export_json", args=[r.pk])).content)
    assert data["lot"]["commitment"] == data["round"]["lot_commitment"] == r.lot_commitment
    ok = _run(tmp_path, data)
    assert ok.returncode == 0 and "MATCH" in ok.stdout, ok.stdout + ok.stderr

    forged = json.loads(json.dumps(data))
    # A forger picks the seed that favours the other tied project, and rewrites the order to match.
    other = list(reversed(data["lot"]["drawn_order"]))
    seed = next(f"{i:064x}" for i in range(1000) if lot.committed_order(f"{i:064x}", other) == other)
    forged["lot"]["seed"], forged["lot"]["drawn_order"] = seed, other
    out = _run(tmp_path, forged)
    assert out.returncode == 1 and "does not hash to the commitment" in out.stdout
