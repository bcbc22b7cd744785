"""Reads for the assembly pages, the projector, the exports and the PDF."""
from django.db.models import Count, Prefetch, Q

from pbcity.lot import TIE_LOT
from proposals.models import Proposal
from proposals.similarity import similar_proposals
from proposals.states import State

from .models import Assembly, AssemblyProposal, Attendee, HandCount, Table

# States that mean a past proposal got done or is on its way: shown in the briefing so people
# do not propose again what already exists (seed, chapter 22, 相似提案內容).
SUCCESS_STATES = (State.ADMITTED, State.BUDGETING, State.DIRECT_EXECUTION, State.IN_EXECUTION, State.COMPLETED)


def assembly_list(*, cycle=None, district=None):
    qs = Assembly.objects.select_related("cycle", "district").annotate(
        n_items=Count("items", distinct=True),
        n_passed=Count("items", filter=Q(items__passed=True), distinct=True),
    )
    if cycle:
        qs = qs.filter(cycle=cycle)
    if district:
        qs = qs.filter(district=district)
    return qs


def assembly_get(*, pk: int) -> Assembly:
    return Assembly.objects.select_related("cycle", "district", "tie_break").get(pk=pk)


def past_successes(*, assembly: Assembly, limit: int = 30):
    """The district's proposals from earlier cycles that were admitted, are being carried out or are done."""
    return (
        Proposal.objects.public().filter(district_id=assembly.district_id, cycle__year__lt=assembly.cycle.year,
                                         state__in=SUCCESS_STATES)
        .select_related("cycle")
        .order_by("-cycle__year", "title")[:limit]
    )


def attendance(*, assembly: Assembly) -> dict:
    rows = list(assembly.attendees.select_related("table", "user").order_by("-signed_in_at", "name"))
    present = [r for r in rows if r.is_present]
    return {
        "attendees": rows,
        "present": present,
        "registered_only": [r for r in rows if r.signed_in_at is None],
        "left": [r for r in rows if r.left_at is not None],
        "present_count": len(present),
    }


def tables(*, assembly: Assembly):
    return Table.objects.filter(assembly=assembly).select_related("lead", "recorder").prefetch_related(
        Prefetch("attendees", queryset=Attendee.objects.order_by("name")),
        Prefetch("items", queryset=AssemblyProposal.objects.select_related("proposal")),
    )


def items(*, assembly: Assembly):
    return (
        AssemblyProposal.objects.filter(assembly=assembly)
        .select_related("proposal", "table", "hand_count", "hand_count__entered_by", "hand_count__confirmed_by")
        .prefetch_related("proposal__proposers")
        .annotate(n_ballots=Count("ballots"))
    )


def attendee_by_code(*, assembly: Assembly, code: str) -> Attendee | None:
    from .services import normalise_code

    return Attendee.objects.filter(assembly=assembly, code=normalise_code(code)).first()


def ballot(*, assembly: Assembly, attendee: Attendee) -> dict:
    mine = set(attendee.votes.values_list("item_id", flat=True))
    rows = [{"item": it, "voted": it.pk in mine} for it in items(assembly=assembly).order_by("id")]
    return {"rows": rows, "used": len(mine), "left": max(assembly.votes_per_attendee - len(mine), 0)}


def vote_progress(*, assembly: Assembly) -> dict:
    """How many of those present have voted so far (no counts per proposal before closing)."""
    voters = assembly.attendees.filter(voter=True)
    return {"present": assembly.present_at_vote or 0,
            "voted": voters.filter(votes__isnull=False).distinct().count()}


def results(*, assembly: Assembly) -> list[AssemblyProposal]:
    """The closed assembly's proposals, best first."""
    return list(items(assembly=assembly).order_by("rank", "-votes", "id"))


def majority_needed(*, assembly: Assembly) -> int | None:
    """The fewest votes that are more than half of those present."""
    if assembly.present_at_vote is None:
        return None
    return assembly.present_at_vote // 2 + 1


def export_rows(*, assembly: Assembly) -> list[dict]:
    """One row per proposal, for the CSV and JSON open-data exports."""
    lot = getattr(assembly, "tie_break", None)
    out = []
    for it in results(assembly=assembly):
        p = it.proposal
        out.append({
            "assembly_id": assembly.pk,
            "assembly": assembly.title,
            "cycle": assembly.cycle.year,
            "district": assembly.district.code,
            "date": assembly.starts_at.date().isoformat(),
            "present": assembly.present_at_vote,
            "top_k": assembly.top_k,
            "vote_method": assembly.vote_method,
            "proposal_id": p.pk,
            "title": p.title,
            "table": it.table.number if it.table else None,
            "votes": it.votes,
            "rank": it.rank,
            "more_than_half": it.has_majority,
            "tied_at_k_settled_by_lot": it.in_lot,
            "lot_position": (lot.drawn_order.index(p.pk) + 1) if (lot and it.in_lot) else None,
            "passed": it.passed,
            "state": p.state,
        })
    return out


def results_document(*, assembly: Assembly) -> dict:
    """The results as open data: the facts of the pass rule, the tie lot's commitment and revealed seed
    (pbcity/lot.py), the lot if one was drawn, and one row per proposal (scripts/verify_cycle.py reads it)."""
    a, lot = assembly, getattr(assembly, "tie_break", None)
    return {
        "assembly": {"id": a.pk, "title": a.title, "cycle": a.cycle.year, "district": a.district.code,
                     "starts_at": a.starts_at.isoformat(), "present": a.present_at_vote, "top_k": a.top_k,
                     "votes_per_attendee": a.votes_per_attendee, "vote_method": a.vote_method,
                     "majority_needed": majority_needed(assembly=a),
                     "lot_algorithm": TIE_LOT if a.lot_commitment else None,
                     "lot_commitment": a.lot_commitment, "lot_seed": a.lot_seed},
        "lot": {"votes": lot.votes, "slots": lot.slots, "drawn_order": lot.drawn_order,
                "drawn_at": lot.drawn_at.isoformat()} if lot else None,
        "results": export_rows(assembly=a),
    }


def similar_for_draft(*, assembly: Assembly, text: str, limit: int = 5) -> list:
    return similar_proposals(district=assembly.district, text=text, limit=limit)


_TRACKED_PLAN = ("top_k", "votes_per_attendee", "vote_method")


def changes(*, assembly: Assembly) -> list[dict]:
    """Changes to the pass rule's inputs (K, votes per attendee, method) and corrected hand counts.

    Each row: when, who, what, old and new value, why — the history kept by simple-history.
    """
    rows = []
    plan = list(assembly.history.select_related("history_user").order_by("history_date", "history_id"))
    for before, after in zip(plan, plan[1:]):
        for name in _TRACKED_PLAN:
            old, new = getattr(before, name), getattr(after, name)
            if old != new:
                field = Assembly._meta.get_field(name)
                label = dict(field.choices or [])
                rows.append({"when": after.history_date, "who": after.history_user, "why": after.history_change_reason,
                             "what": field.verbose_name, "old": label.get(old, old), "new": label.get(new, new)})
    counts = HandCount.history.filter(item__assembly=assembly).select_related("history_user", "item__proposal")
    last = {}
    for h in counts.order_by("history_date", "history_id"):
        prev = last.get(h.id)
        if prev is not None and prev.votes != h.votes:
            rows.append({"when": h.history_date, "who": h.history_user, "why": h.history_change_reason,
                         "what": h.item.proposal.title, "old": prev.votes, "new": h.votes})
        last[h.id] = h
    return sorted(rows, key=lambda r: r["when"])
