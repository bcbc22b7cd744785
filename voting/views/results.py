"""Public pages of the rounds: list and turnout, the board of receipts, results with charts, PDF, open data.

Counts are never computed for a round that is not tallied (selectors return nothing), and these views
answer 404 before then (docs/decisions.md, "Voting: counts hidden until close").
"""
import io
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.models import Cycle
from pbcity.opendata import csv_write
from pbcity.pdf import pdf_response
from pbcity.selectors import cycle_from_query
from voting import permissions as perm
from voting.models import Round, TallyLot
from voting.selectors import rounds as sel
from voting.services import board as board_services
from voting.services.ballots import normalise_receipt

from .ballot import _round


def _cycle(request):
    return cycle_from_query(request.GET, newest_by_default=True)[1]


def round_list(request):
    cycle = _cycle(request)
    rounds = list(sel.rounds_of_cycle(cycle=cycle)) if cycle else []
    mine = sel.round_for_voter(user=request.user, cycle=cycle) if cycle else None
    return render(request, "voting/round_list.html", {
        "cycle": cycle, "cycles": Cycle.objects.all(), "rounds": rounds, "mine": mine,
        "turnout": sel.city_turnout(cycle=cycle) if cycle else [],
        "can_manage": cycle is not None and perm.can_manage_rounds(cycle, request.user),
    })


def board(request, pk):
    r = _round(pk)
    heads = list(sel.board_heads(round_=r))
    published = board_services.published_heads(round_=r)
    if not perm.can_view_board(r, request.user) or not r.box_opened:
        can_open = r.status == Round.Status.CLOSED and not r.box_opened and perm.can_open_box(r, request.user)
        return render(request, "voting/board.html", {"round": r, "heads": heads, "published": published,
                                                     "open": False, "can_open_box": can_open})
    query = normalise_receipt(request.GET.get("receipt", ""))
    entries = sel.board_entries(round_=r, receipt=query if len(query) == 19 else "")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    choices = sel.choices_by_ballot([s.ballot_id for s in page])
    titles = dict(r.projects.values_list("proposal_id", "proposal__title"))
    rows = [{"seal": s, "choices": [(titles.get(pid, pid), v) for pid, v in sorted(choices.get(s.ballot_id, []))]}
            for s in page]
    return render(request, "voting/board.html", {
        "round": r, "heads": heads, "published": published, "open": True, "page": page, "rows": rows, "query": query,
        "searched": bool(request.GET.get("receipt")), "spec_kind": r.ballot_type,
    })


def board_heads_txt(request, pk):
    """The round's published heads as a file anyone can save and later give to `ballots_verify --heads`."""
    r = _round(pk)
    resp = HttpResponse(board_services.heads_text(round_=r), content_type="text/plain; charset=utf-8")
    resp["Cache-Control"] = "no-store"
    return resp


def _tallied(pk) -> Round:
    r = _round(pk)
    if not perm.can_view_results(r, None):
        raise Http404(_("Results are published when the count is done."))
    return r


def chart(lines, threshold: int, *, width=360, bar=18, row=50) -> dict:
    """Geometry of a horizontal bar chart with the threshold line, drawn as SVG by the template.

    Narrow on purpose (a phone's width in user units) with each title above its bar, so the text is
    drawn near its nominal 13 px on a phone instead of shrinking to 6–7 px with a side column."""
    top = max([ln.votes for ln in lines] + [threshold, 1])
    scale = (width - 10) / (top * 1.15)
    bars = []
    for i, ln in enumerate(lines):
        y = 24 + i * row
        w = max(1, round(ln.votes * scale))
        inside = w > width - 70  # no room right of a long bar: the figure goes inside it, in white
        bars.append({"line": ln, "title_y": y + 13, "y": y + 19, "w": w, "ty": y + 19 + bar / 2 + 5,
                     "label_x": w - 6 if inside else w + 6, "inside": inside})
    height = 30 + len(lines) * row
    return {"width": width, "height": height, "bars": bars, "bar": bar,
            "threshold_x": round(threshold * scale), "threshold": threshold}


def _results_context(r: Round) -> dict:
    lines = list(sel.results(round_=r))
    lot = TallyLot.objects.filter(round=r).first()
    return {"round": r, "lines": lines, "chart": chart(lines, r.threshold), "turnout": sel.turnout(round_=r),
            "lot": lot, "admitted": [ln for ln in lines if ln.admitted]}


def results(request, pk):
    r = _tallied(pk)
    return render(request, "voting/results.html", _results_context(r))


def results_pdf(request, pk):
    r = _tallied(pk)
    return pdf_response(request, "voting/pdf/results_pdf.html", _results_context(r),
                        filename=f"ivoting-{r.cycle.year}-{r.district.code}-results.pdf")


# -- open data --------------------------------------------------------------------------------

def _in_language(text, language: str) -> str:
    # Open data is the same file whoever downloads it: both languages, not the requester's.
    with translation.override(language):
        return str(text)


def export_data(r: Round) -> dict:
    """Everything scripts/recount_vote.py needs: the round's rules, results, lot and the board."""
    lines = list(sel.results(round_=r))
    lot = TallyLot.objects.filter(round=r).first()
    seals = list(sel.board_entries(round_=r))
    choices = sel.choices_by_ballot([s.ballot_id for s in seals])
    return {
        "round": {
            "id": r.pk, "cycle": r.cycle.year, "district": r.district.code, "district_name": r.district.name,
            "district_name_en": r.district.name_en,
            "opens_at": r.opens_at.isoformat(), "closes_at": r.closes_at.isoformat(), "ballot_type": r.ballot_type,
            "min_choices": r.min_choices, "max_choices": r.max_choices, "points": r.points,
            "max_per_project": r.max_per_project, "budget": r.budget, "score_vector": r.score_vector,
            "threshold": r.threshold, "threshold_basis": _in_language(r.threshold_basis, "zh-hant"),
            "threshold_basis_en": _in_language(r.threshold_basis, "en"), "admission_cap": r.admission_cap,
            "counting_rule": r.counting_rule, "board_size": r.board_size, "board_head": r.board_head,
            "eligible_population": r.district.eligible_population,
            "lot_commitment": r.lot_commitment, "lot_seed": r.lot_seed,
        },
        "projects": [{"proposal": rp.proposal_id, "title": rp.proposal.title, "cost": rp.cost,
                      "position": rp.position} for rp in sel.ballot_projects(round_=r)],
        "results": [{"proposal": ln.proposal_id, "title": ln.proposal.title, "votes": ln.votes, "rank": ln.rank,
                     "over_threshold": ln.over_threshold, "in_lot": ln.in_lot, "admitted": ln.admitted}
                    for ln in lines],
        "lot": ({"votes": lot.votes, "slots": lot.slots, "seed": lot.seed, "commitment": r.lot_commitment,
                 "drawn_order": lot.drawn_order} if lot else None),
        "heads": [{"day": h.day.isoformat(), "position": h.position, "entry_hash": h.entry_hash}
                  for h in sel.board_heads(round_=r)],
        "ballots": [{"position": s.position, "receipt": s.ballot.receipt,
                     "choices": sorted([pid, v] for pid, v in choices.get(s.ballot_id, [])),
                     "content_hash": s.content_hash, "prev_hash": s.prev_hash, "entry_hash": s.entry_hash}
                    for s in seals],
    }


def export_json(request, pk):
    r = _tallied(pk)
    resp = JsonResponse(export_data(r), json_dumps_params={"ensure_ascii": False, "indent": 1})
    resp["Content-Disposition"] = f'attachment; filename="ivoting-{r.cycle.year}-{r.district.code}.json"'
    return resp


def export_csv(request, pk, what):
    r = _tallied(pk)
    data = export_data(r)
    if what == "results":
        rows = data["results"]
    elif what == "ballots":
        rows = [{"position": b["position"], "receipt": b["receipt"],
                 "choices": json.dumps(b["choices"], separators=(",", ":")), "content_hash": b["content_hash"],
                 "prev_hash": b["prev_hash"], "entry_hash": b["entry_hash"]} for b in data["ballots"]]
    else:
        raise Http404
    buf = io.StringIO()
    csv_write(buf, rows)
    resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="ivoting-{r.cycle.year}-{r.district.code}-{what}.csv"'
    return resp
