"""The phone ballot, board, results and exports over HTTP; counts hidden before the tally."""
import json
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from proposals.models import Proposal, TransitionLog
from proposals.states import State
from voting.models import Ballot, Participation, Round, SealedBallot
from voting.services import tally as tally_services

from .round_helpers import (  # noqa: F401
    cast,
    cast_people,
    civil,
    close,
    open_round,
    projects,
    verified_voter,
    voters,
)

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_phone_ballot_choose_review_confirm_receipt(client, open_round, voters, projects):
    c = _client(client, voters[0].user)
    url = reverse("voting:ballot", args=[open_round.pk])
    page = c.get(url).content.decode()
    assert "選擇 1 到 2 個提案" in page or "Choose 1 to 2" in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    picks = {f"p{projects[0].pk}": "1", f"p{projects[2].pk}": "1"}
    review = c.post(url, {"key": key, "step": "review", **picks})
    assert review.status_code == 200 and projects[2].title in review.content.decode()
    assert not SealedBallot.objects.exists()
    done = c.post(url, {"key": key, "step": "confirm", **picks})
    receipt = re.search(r"<strong>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</strong>", done.content.decode()).group(1)
    assert SealedBallot.objects.count() == 1
    # Reload / double click: the same receipt again, nothing new stored.
    again = c.post(url, {"key": key, "step": "confirm", **picks})
    assert receipt in again.content.decode() and SealedBallot.objects.count() == 1
    # Afterwards the ballot page says so.
    with translation.override("en"):
        assert "You have voted" in c.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() or \
            "您已投票" in c.get(url).content.decode()
    close(open_round)  # once the box is opened, the receipt is on the board
    assert Ballot.objects.get().receipt == receipt


def test_bad_input_keeps_what_was_chosen_and_never_500s(client, open_round, voters, projects):
    c = _client(client, voters[0].user)
    url = reverse("voting:ballot", args=[open_round.pk])
    three = {f"p{p.pk}": "1" for p in projects[:3]}
    resp = c.post(url, {"key": "k" * 22, "step": "review", **three})
    assert resp.status_code == 400 and resp.content.decode().count("checked") == 3
    junks = ({f"p{projects[0].pk}": "abc"}, {f"p{projects[0].pk}": "9" * 50}, {"key": "x\u00e9", "step": "confirm"})
    for junk in junks:
        assert c.post(url, {"key": "k" * 22, "step": "confirm", **junk}).status_code < 500
    assert not SealedBallot.objects.exists()


def test_ineligible_and_anonymous(client, open_round, cycle, other_district, projects):
    url = reverse("voting:ballot", args=[open_round.pk])
    assert client.get(url).status_code == 302
    outsider = verified_voter(cycle, other_district)
    c = _client(client, outsider.user)
    resp = c.post(url, {"key": "k" * 22, "step": "confirm", f"p{projects[0].pk}": "1"})
    assert resp.status_code == 403 and not SealedBallot.objects.exists()


def _hidden_everywhere(client, r):
    for name in ("results", "results_pdf", "export_json"):
        assert client.get(reverse(f"voting:{name}", args=[r.pk])).status_code == 404
    for what in ("results", "ballots"):
        assert client.get(reverse("voting:export_csv", args=[r.pk, what])).status_code == 404


def test_counts_are_hidden_until_the_tally(client, open_round, voters, projects, civil):
    for v in voters:
        cast(open_round, v, projects[:1])
    _hidden_everywhere(client, open_round)
    board = client.get(reverse("voting:board", args=[open_round.pk])).content.decode()
    assert "ABCD" not in board and "line 5" not in board
    listing = client.get(reverse("voting:rounds")).content.decode()
    assert projects[0].title not in listing
    closed = close(open_round, civil)
    _hidden_everywhere(client, closed)
    # After close the board lists the ballots (receipts, not counts per proposal).
    board = client.get(reverse("voting:board", args=[closed.pk])).content.decode()
    assert board.count("<code>") >= 5


def test_full_round_close_tally_results_exports(client, open_round, voters, projects, civil, tmp_path,
                                                 django_capture_on_commit_callbacks):
    receipts = [cast(open_round, v, projects[:2] if i < 3 else projects[1:2]).receipt for i, v in enumerate(voters)]
    r = close(open_round, civil)
    assert r.board_size == 5
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    r.refresh_from_db()
    assert r.status == Round.Status.TALLIED and r.tally_percent == 100
    # threshold (fixed 1000 by default) is not exceeded with 5 voters: nothing admitted, all rejected with a line.
    for p in projects:
        p = Proposal.objects.get(pk=p.pk)
        assert p.state == State.NOT_ADMITTED
        reason = str(TransitionLog.objects.get(proposal=p, transition="reject_at_vote").reason)
        assert "門檻 1,000" in reason or "門檻 1000" in reason or "threshold of 1000" in reason
    page = client.get(reverse("voting:results", args=[r.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    data = json.loads(client.get(reverse("voting:export_json", args=[r.pk])).content)
    assert {b["receipt"] for b in data["ballots"]} == set(receipts)
    votes = {x["proposal"]: x["votes"] for x in data["results"]}
    assert votes[projects[1].pk] == 5 and votes[projects[0].pk] == 3
    csv = client.get(reverse("voting:export_csv", args=[r.pk, "ballots"])).content.decode("utf-8-sig")
    assert receipts[0] in csv
    found = client.get(reverse("voting:board", args=[r.pk]), {"receipt": receipts[0].lower().replace("-", " ")})
    assert found.content.decode().count("<code>" + receipts[0]) == 1
    pdf = client.get(reverse("voting:results_pdf", args=[r.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdffonts"):
        path = tmp_path / "results.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "i-Voting 結果" in text and projects[1].title in text
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        cjk = [line for line in fonts.splitlines() if "NotoSansCJKTC" in line.replace("-", "").replace(" ", "")]
        assert cjk and " yes " in cjk[0]  # embedded
    assert Participation.objects.filter(round=r).count() == 5


def test_results_chart_is_drawn_for_a_phone_width():
    """The chart's user units are about a phone's width, so 13-unit labels stay ≈ 13 px on a 360 px screen
    (a 880-unit chart drew them at 6–7 px); every bar and figure fits inside it."""
    from types import SimpleNamespace

    from voting.views.results import chart

    lines = [SimpleNamespace(votes=v, admitted=v > 300, proposal=SimpleNamespace(title="t")) for v in (950, 420, 3)]
    c = chart(lines, 300)
    assert c["width"] <= 380
    for b in c["bars"]:
        assert 0 < b["w"] <= c["width"] and 0 <= b["label_x"] <= c["width"]
        assert b["title_y"] < b["y"]  # the title sits above its bar, not in a side column
    assert 0 < c["threshold_x"] < c["width"]
    assert c["bars"][0]["inside"] and not c["bars"][2]["inside"]
