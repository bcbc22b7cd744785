"""Reads for stage-1 sessions: proposals under discussion, latest opinions, suggestions, revisions."""
from django.db.models import Prefetch, Q

from proposals.models import Proposal, ProposalRevision
from proposals.states import State

from ..models import AgencyOpinion, ExpertSuggestion, WorkshopSession
from ..textdiff import text_diff

__all__ = ["session_list", "session_detail", "session_proposals", "revision_diffs"]

_DIFF_FIELDS = ("title", "problem", "solution", "location", "estimated_cost")


def session_list(*, cycle=None, district=None):
    qs = WorkshopSession.objects.select_related("cycle", "district")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if district is not None:
        qs = qs.filter(district=district)
    return qs


def session_detail(*, pk: int) -> WorkshopSession:
    return WorkshopSession.objects.select_related("cycle", "district").prefetch_related("experts").get(pk=pk)


def session_proposals(*, session: WorkshopSession) -> list[Proposal]:
    """The district's proposals in the workshop (or discussed at this session), each with its opinions
    (latest per agency in `latest_opinions`, all kept in `opinions`) and this session's suggestions."""
    # Also those discussed here that have since left the workshop (the panel decided), so the
    # session's record stays whole.
    discussed = (Q(state=State.IN_WORKSHOP) | Q(agency_opinions__session=session)
                 | Q(expert_suggestions__session=session))
    proposals = list(
        Proposal.objects.filter(discussed, cycle_id=session.cycle_id, district_id=session.district_id)
        .distinct()
        .select_related("lead_agency")
        .prefetch_related(
            "co_agencies", "proposers",
            Prefetch("agency_opinions", queryset=AgencyOpinion.objects.select_related("agency", "session")
                     .order_by("-recorded_at", "-id"), to_attr="opinions"),
            Prefetch("expert_suggestions", queryset=ExpertSuggestion.objects.filter(session=session)
                     .select_related("expert"), to_attr="suggestions"),
        )
        .order_by("id")
    )
    for p in proposals:
        seen, latest = set(), []
        for o in p.opinions:
            if o.agency_id not in seen:
                seen.add(o.agency_id)
                latest.append(o)
        p.latest_opinions = latest
    return proposals


def revision_diffs(*, proposal) -> list[dict]:
    """Each revision after the first against the one before: the changed fields as diff segments."""
    revs = list(ProposalRevision.objects.filter(proposal=proposal).select_related("author").order_by("number"))
    out = []
    for prev, rev in zip(revs, revs[1:]):
        fields = []
        for name in _DIFF_FIELDS:
            old, new = getattr(prev, name), getattr(rev, name)
            if old == new:
                continue
            label = Proposal._meta.get_field(name).verbose_name
            if name == "estimated_cost":
                fields.append({"label": label, "old": old, "new": new, "number": True})
            else:
                fields.append({"label": label, "segments": text_diff(old, new)})
        out.append({"revision": rev, "previous": prev, "fields": fields})
    out.reverse()
    return out
