"""Reads for the review panel: seats, draw files, scoring progress, results, open data, allowances."""
import json

from django.db.models import Prefetch

from proposals.states import State

from .. import rules
from ..models import Allowance, PanelSeat, ReviewPanel, Score, Verdict

__all__ = [
    "draw_input_document", "draw_probability", "draw_result_document", "panel_allowances", "panel_by_id", "panel_list",
    "panel_my_scores", "panel_of_proposal", "panel_results", "panel_scoring_progress", "panel_seats",
    "panel_seat_of", "scores_document", "scores_open_data", "draw_pools_summary", "open_agenda", "proposer_user_ids",
    "scoring_missing",
]

SEAT_ORDER = {t: i for i, t in enumerate(rules.SEAT_QUOTAS)}


def panel_by_id(*, pk: int) -> ReviewPanel:
    return (
        ReviewPanel.objects.select_related("cycle", "district")
        .prefetch_related(Prefetch("seats", queryset=PanelSeat.objects.select_related("user")))
        .get(pk=pk)
    )


def panel_list(*, cycle=None, district=None):
    qs = ReviewPanel.objects.select_related("cycle", "district").order_by("-cycle__year", "district__code")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if district is not None:
        qs = qs.filter(district=district)
    return qs


def panel_seats(*, panel) -> list[PanelSeat]:
    """Seats in panel order (hosts, vice-host, advanced, basic, proposers), the replaced ones with them."""
    seats = list(panel.seats.all())
    return sorted(seats, key=lambda s: (SEAT_ORDER[s.seat_type], s.created_at, s.pk))


def panel_seat_of(*, panel, user) -> PanelSeat | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return next((s for s in panel.seats.all() if s.user_id == user.pk), None)


def panel_of_proposal(*, proposal) -> ReviewPanel | None:
    """The panel that reviews (or reviewed) this proposal: on its agenda, else its district's panel."""
    panel = proposal.review_panels.select_related("cycle", "district").first()
    if panel is None:
        panel = ReviewPanel.objects.filter(cycle_id=proposal.cycle_id, district_id=proposal.district_id).first()
    return panel


def draw_input_document(*, panel) -> dict | None:
    commitment = getattr(panel, "commitment", None)  # a missing one-to-one raises an AttributeError
    return json.loads(commitment.document) if commitment else None


def draw_result_document(*, panel) -> dict | None:
    record = getattr(panel, "draw", None)
    if record is None:
        return None
    doc = json.loads(record.result)
    doc["drawn_at"] = record.drawn_at.isoformat()
    return doc


def panel_scoring_progress(*, panel) -> list[dict]:
    """Per scoring member: how many proposals they have scored (never their lights, before closing)."""
    counts = {}
    for seat_id in panel.scores.values_list("seat_id", flat=True):
        counts[seat_id] = counts.get(seat_id, 0) + 1
    total = panel.agenda.count()
    return [{"seat": s, "scored": counts.get(s.pk, 0), "total": total}
            for s in panel_seats(panel=panel) if s.is_scoring and s.status == PanelSeat.Status.SEATED]


def panel_my_scores(*, panel, user) -> dict:
    """The member's own submitted scores by proposal id."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {s.proposal_id: s for s in Score.objects.filter(panel=panel, member=user)}


def panel_results(*, panel) -> list[dict]:
    """After closing: per proposal, the panel's lights, the outcome and every member's lights."""
    if panel.state != ReviewPanel.State.CLOSED:
        return []
    scores = {}
    for s in Score.objects.filter(panel=panel).select_related("seat", "member").order_by("seat__seat_type", "seat_id"):
        scores.setdefault(s.proposal_id, []).append(s)
    return [{"verdict": v, "proposal": v.proposal, "scores": scores.get(v.proposal_id, [])}
            for v in Verdict.objects.filter(panel=panel).select_related("proposal").order_by("proposal_id")]


def scores_open_data(*, panel) -> list[dict]:
    """One row per score, members by seat and draw id (not by name), and one row per panel verdict."""
    if panel.state != ReviewPanel.State.CLOSED:
        return []
    rows = []
    for item in panel_results(panel=panel):
        v = item["verdict"]
        for s in item["scores"]:
            rows.append({
                "cycle": panel.cycle.year, "district": panel.district.code, "proposal_id": v.proposal_id,
                "proposal_title": v.proposal.title, "kind": "member", "seat": s.seat.seat_type,
                "member": s.seat.pseudonym or f"seat-{s.seat_id}", "publicness": s.publicness,
                "legality": s.legality, "budget_feasibility": s.budget, "note": s.note, "passed": "",
            })
        rows.append({
            "cycle": panel.cycle.year, "district": panel.district.code, "proposal_id": v.proposal_id,
            "proposal_title": v.proposal.title, "kind": "panel", "seat": "", "member": "",
            "publicness": v.publicness or "", "legality": v.legality or "", "budget_feasibility": v.budget or "",
            "note": "", "passed": "yes" if v.passed else "no",
        })
    return rows


def scores_document(*, panel) -> dict:
    """The closed panel's scores as open data: every member's lights and the panel's, and the rule."""
    return {"panel": {"id": panel.pk, "cycle": panel.cycle.year, "district": panel.district.code,
                      "starts_at": panel.starts_at.isoformat(), "closed_at": panel.closed_at.isoformat(),
                      "rule": "panel light = lower median of the members' lights; passes iff no panel light is red"},
            "scores": scores_open_data(panel=panel)}


def panel_allowances(*, panel):
    return Allowance.objects.filter(panel=panel).select_related("seat", "member").order_by("seat_id")


def draw_probability(*, panel, pseudonym: str) -> dict | None:
    """The published selection probability of one pool entry ({"probability": "p/q", "decimal": …})."""
    from .. import draw

    doc = draw_input_document(panel=panel)
    return draw.probabilities(doc).get(pseudonym) if doc else None


def draw_pools_summary(*, panel) -> list[dict]:
    """Per drawn seat type: pool size, seats, and the selection probability of each person in the pool."""
    from ..models.panel import SeatType

    doc = draw_input_document(panel=panel)
    if doc is None:
        return []
    out = []
    for seat_type in rules.DRAWN_SEATS:
        size, quota = len(doc["pools"][seat_type]), doc["quotas"][seat_type]
        p = rules.selection_probability(quota=quota, pool_size=size)
        out.append({"seat_type": SeatType(seat_type).label, "size": size, "quota": quota,
                    "probability": f"{p.numerator}/{p.denominator}", "percent": round(float(p) * 100, 1)})
    return out


def proposer_user_ids(*, proposal) -> list:
    """Account ids of the proposal's proposers (walk-ins without an account cannot sit on a panel)."""
    return [uid for uid in proposal.proposers.values_list("user_id", flat=True) if uid is not None]


def open_agenda(*, panel):
    """The agenda's proposals still in the workshop (one withdrawn or merged meanwhile is skipped)."""
    return panel.agenda.filter(state=State.IN_WORKSHOP).order_by("id")


def scoring_missing(*, panel) -> list[tuple]:
    """(seat, proposal) pairs still to be scored: seated scoring members × open agenda, minus conflicts."""
    scored = set(panel.scores.values_list("seat_id", "proposal_id"))
    missing = []
    seats = [s for s in panel.seats.filter(status=PanelSeat.Status.SEATED) if s.is_scoring]
    for proposal in open_agenda(panel=panel):
        proposers = proposer_user_ids(proposal=proposal)
        for seat in seats:
            if rules.has_conflict(member=seat.user_id, proposers=proposers):
                continue
            if (seat.pk, proposal.pk) not in scored:
                missing.append((seat, proposal))
    return missing
