"""The ballot on a phone: choose, review, confirm, receipt (docs/decisions.md, "Voting: ballots and receipts")."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import error_messages
from pbcity.lean import lean_post, lean_render
from voting import observers, rules
from voting.models import Round
from voting.selectors import rounds as sel
from voting.services import ballots as ballot_services


def _round(pk) -> Round:
    r = Round.objects.select_related("district", "cycle").filter(pk=pk).first()
    if r is None:
        raise Http404
    return r


def _rules_text(r: Round) -> str:
    if r.ballot_type == Round.BallotType.POINTS:
        return _("Give up to %(points)s points in all, at most %(each)s to one project.") % {
            "points": r.points, "each": r.max_per_project}
    if r.ballot_type == Round.BallotType.KNAPSACK:
        return _("Choose %(min)s to %(max)s projects whose costs add up to no more than NT$%(budget)s.") % {
            "min": r.min_choices, "max": r.max_choices, "budget": f"{r.budget:,}"}
    if r.ballot_type == Round.BallotType.RANKING:
        return _("Rank %(min)s to %(max)s projects: 1 for your first choice. Places score %(scores)s.") % {
            "min": r.min_choices, "max": r.max_choices, "scores": "-".join(str(s) for s in r.score_vector)}
    return _("Choose %(min)s to %(max)s projects.") % {"min": r.min_choices, "max": r.max_choices}


def _parse(request, costs: dict) -> tuple[dict, str]:
    """The choices as {proposal id: value} from the form, and an error message (or "")."""
    choices = {}
    for pid in costs:
        raw = (request.POST.get(f"p{pid}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 6:
            return {}, _("Enter whole numbers only.")
        if int(raw):
            choices[pid] = int(raw)
    return choices, ""


def _page(request, r, *, step="choose", chosen=None, error="", key=None, status=200, receipt=None, replay=False):
    projects = list(sel.ballot_projects(round_=r))
    chosen = chosen or {}
    rows = [{"rp": rp, "value": chosen.get(rp.proposal_id, 0)} for rp in projects]
    voter = sel.round_voter(user=request.user, cycle_id=r.cycle_id)
    return render(request, "voting/ballot.html", {
        "round": r, "rows": rows, "chosen_rows": [x for x in rows if x["value"]], "step": step, "error": error,
        "key": key or ballot_services.form_key(), "rules_text": _rules_text(r), "receipt": receipt, "replay": replay,
        "voter": voter, "eligible": voter is not None and voter.district_id == r.district_id,
        "voted": step != "receipt" and voter is not None and sel.has_voted(round_=r, user=request.user),
        "accepting": r.accepts_ballots_at(timezone.now()), "cost_total": sum(x["rp"].cost for x in rows if x["value"]),
    }, status=status)


@lean_post  # the POST is election day's hot path: lean middleware and receipt page (pbcity/lean.py)
@login_required
def ballot(request, pk):
    if request.method != "POST":
        return _page(request, _round(pk))
    step = request.POST.get("step", "choose")
    key = request.POST.get("key", "")
    # Rules and projects of an opened round are frozen, so they come from a per-process cache;
    # the round itself (names for the page) too once it is open.
    r = sel.round_display(round_id=pk)
    if r is None:
        raise Http404
    info = sel.ballot_info(round_id=pk)
    chosen, error = _parse(request, info.costs)
    if error:
        return _page(request, _round(pk), chosen=chosen, error=error, key=key, status=400)
    if step == "review":
        r = _round(pk)
        try:
            rules.ballot_validate(r.spec, chosen, projects=info.costs)
        except rules.BallotInvalid as exc:
            return _page(request, r, chosen=chosen, error=ballot_services.ballot_message(exc), key=key, status=400)
        return _page(request, r, step="review", chosen=chosen, key=key)
    r = _round(pk) if step != "confirm" else r
    if step == "confirm":
        try:
            result = ballot_services.ballot_cast(round_id=pk, user=request.user, choices=chosen, key=key)
        except PermissionDenied as exc:
            return _page(request, _round(pk), chosen=chosen, error=str(exc), key=key, status=403)
        except ValidationError as exc:
            r = _round(pk)
            status = 409 if sel.has_voted(round_=r, user=request.user) else 400
            return _page(request, r, chosen=chosen, error=" ".join(error_messages(exc)), key=key, status=status)
        if not result.replay:  # mobilisation's coarse network/device trace (voting/observers.py)
            observers.cast_accepted(request=request, round_id=pk)
        # The hot path: no further query for the receipt page, which has no site header and is rendered once
        # per round, language and outcome (the round's names are frozen once it opens; docs/performance.md).
        return lean_render(request, "voting/ballot_receipt.html", {"round": r, "replay": result.replay},
                           slots={"key": key, "receipt": result.receipt}, shell_key=(r.pk, result.replay))
    return _page(request, _round(pk), chosen=chosen, key=key)  # "change my choices"


@login_required
@require_POST
def receipt_email(request, pk):
    r = _round(pk)
    try:
        ballot_services.ballot_receipt_email(round_id=r.pk, user=request.user, key=request.POST.get("key", ""))
    except (PermissionDenied, ValidationError) as exc:
        return render(request, "voting/receipt_emailed.html", {"round": r, "error": " ".join(error_messages(exc))},
                      status=403)
    return render(request, "voting/receipt_emailed.html", {"round": r, "email": request.user.email})
