"""What must hold between a proposal's records, checked by `audit_verify` and the scheduled verification.

Registered with the base's invariant registry from ProposalsConfig.ready (pbcity/audit/invariants.py).
A runtime role that inserts a transition with its own chain entry passes the chain; it does not pass
these: the transition must be one the lifecycle allows from the previous recorded state, its actor must
have held the role it needs at that moment (replayed from the role assignments' history), and the
proposal's state must be both its last transition's target and its last history record's state.
"""
from django.db.models import Prefetch

from pbcity.audit import invariants
from pbcity.audit.invariants import Problem
from pbcity.roles import Role

from .states import EXECUTION_STATES, PRE_EXECUTION_STATES, State

# Who may have performed each transition (any one of them), as the permission predicates and the
# services that call a transition preauthorised decide it (proposals/permissions.py, and the review
# panel, voting round and final report services). "recorder": the assembly's table recorder, a
# resident with a deliberation card whom this layer cannot see, so a raise needs only a named actor.
DISTRICT, CIVIL, AGENCY, COMMITTEE = "district", "civil", "agency", "committee"
PROPOSER, RECORDER = "proposer", "recorder"
TRANSITION_ACTORS = {
    "raise_proposal": (DISTRICT, RECORDER),
    "pass_assembly": (DISTRICT,),
    "reject_at_assembly": (DISTRICT,),
    "designate_agencies": (DISTRICT,),
    "send_to_workshop": (DISTRICT,),
    "merge": (DISTRICT,),
    "exclude": (DISTRICT, CIVIL),
    "agree_direct_execution": (AGENCY,),
    "take_into_assessment": (AGENCY,),
    "execute_after_assessment": (AGENCY,),
    "close_assessment": (AGENCY,),
    "start_execution": (AGENCY,),
    "complete": (AGENCY,),
    # The committee's approval at a meeting of a closure every proposer consented to (tracking.services.
    # closure_decide); the agency and civil affairs closed early by hand before that rule (old records).
    "close_early": (COMMITTEE, AGENCY, CIVIL),
    "pass_review": (DISTRICT, COMMITTEE),  # the panel's close: its district office or its hosts
    "fail_review": (DISTRICT, COMMITTEE),
    "open_exhibition": (CIVIL,),
    "notify_agencies": (CIVIL,),
    "open_vote": (CIVIL,),
    "admit": (CIVIL,),
    "reject_at_vote": (CIVIL,),
    # Proposers and civil affairs before execution; during it the committee's approval of a withdrawal the
    # proposers consented to (tracking.services.closure_decide); the lead agency by hand in old records.
    "withdraw": (CIVIL, PROPOSER, COMMITTEE, AGENCY),
}


def lifecycle_edges() -> set[tuple[str, str, str]]:
    """(transition, from, to) of every edge the Proposal state machine has."""
    from .lifecycle import ALL_TRANSITIONS
    from .models import Proposal

    edges = set()
    for name in ALL_TRANSITIONS:
        meta = getattr(Proposal, name)._django_fsm
        for source, t in meta.transitions.items():
            edges.add((name, str(source), str(t.target)))
    return edges


def _ref(model_label, pk) -> str:
    return f"{model_label}:{pk}"


def _subject(proposal_id) -> str:
    return _ref("proposals.proposal", proposal_id)


@invariants.invariant("proposals.state_follows_transitions")
def state_follows_transitions(*, using="default"):
    """A proposal's state is the target of its last logged transition (draft when it has none)."""
    from django.db.models import F, OuterRef, Q, Subquery

    from .models import Proposal, TransitionLog

    last = TransitionLog.objects.using(using).filter(proposal=OuterRef("pk")).order_by("-created_at", "-id")
    qs = Proposal.objects.using(using).annotate(last_to=Subquery(last.values("to_state")[:1]))
    bad = qs.filter(Q(last_to__isnull=False) & ~Q(state=F("last_to")) | Q(last_to__isnull=True) & ~Q(state=State.DRAFT))
    for pk, state, last_to in bad.order_by("pk").values_list("pk", "state", "last_to"):
        yield Problem(ref=_subject(pk), subject=_subject(pk),
                      detail=f"proposal {pk} is '{state}' but its last logged transition is to '{last_to or 'draft'}'")


@invariants.invariant("proposals.state_matches_history")
def state_matches_history(*, using="default"):
    """A proposal's state is the state its last history record holds (the application writes both)."""
    from .models import Proposal

    for pk, field, now, recorded in invariants.history_mismatches(Proposal, ["state"], using=using):
        what = {"": "has no history record", "deleted": "was deleted in its history",
                "missing": "is gone without a history record"}.get(
            field, f"is '{now}' but its history says '{recorded}'")
        yield Problem(ref=_subject(pk), subject=_subject(pk), detail=f"proposal {pk} {what}")


@invariants.invariant("proposals.transitions_follow_lifecycle")
def transitions_follow_lifecycle(*, using="default"):
    """Each logged transition starts where the previous one ended and is an edge of the lifecycle."""
    from .models import TransitionLog

    edges = lifecycle_edges()
    previous: dict[int, str] = {}
    rows = (TransitionLog.objects.using(using).order_by("proposal_id", "created_at", "id")
            .values_list("pk", "proposal_id", "transition", "from_state", "to_state"))
    for pk, proposal_id, name, from_state, to_state in rows:
        expected = previous.get(proposal_id, State.DRAFT)
        ref = _ref("proposals.transitionlog", pk)
        if from_state != expected:
            yield Problem(ref=ref, subject=_subject(proposal_id),
                          detail=f"'{name}' starts from '{from_state}' but the proposal was '{expected}'")
        elif (name, from_state, to_state) not in edges:
            yield Problem(ref=ref, subject=_subject(proposal_id),
                          detail=f"'{name}' from '{from_state}' to '{to_state}' is not a transition of the lifecycle")
        previous[proposal_id] = to_state


@invariants.invariant("proposals.transition_actors_held_role")
def transition_actors_held_role(*, using="default"):
    """Each transition's actor held, at that moment, a role that may perform it (TRANSITION_ACTORS)."""
    from .models import Proposal, ProposalProposer, TransitionLog

    timeline = invariants.RoleTimeline(using=using)
    proposals = {
        p.pk: p for p in Proposal.objects.using(using).only("pk", "district_id", "lead_agency_id").prefetch_related(
            Prefetch("proposers", queryset=ProposalProposer.objects.using(using).only("proposal_id", "user_id")),
            "co_agencies",
        )
    }
    rows = (TransitionLog.objects.using(using).order_by("created_at", "id")
            .values_list("pk", "proposal_id", "transition", "from_state", "actor_id", "created_at"))
    for pk, proposal_id, name, from_state, actor_id, at in rows:
        p = proposals.get(proposal_id)
        ref = _ref("proposals.transitionlog", pk)
        who = TRANSITION_ACTORS.get(name, ())
        if actor_id is None:
            yield Problem(ref=ref, subject=_subject(proposal_id), detail=f"'{name}' names no actor")
            continue
        if p is None or _may(p, name, who, actor_id, from_state, at, timeline):
            continue
        yield Problem(ref=ref, subject=_subject(proposal_id),
                      detail=f"user {actor_id} did '{name}' at {at.isoformat()} without holding a role that may "
                             f"({', '.join(who) or 'none'})")


def _may(p, name, who, actor_id, from_state, at, timeline) -> bool:
    agencies = {p.lead_agency_id, *(a.pk for a in p.co_agencies.all())} - {None}
    for kind in who:
        if kind == RECORDER:
            return True
        if kind == DISTRICT and timeline.held(actor_id, Role.DISTRICT_OFFICE, at, district_id=p.district_id):
            return True
        if kind == CIVIL and timeline.held(actor_id, Role.CIVIL_AFFAIRS, at):
            return True
        if kind == COMMITTEE and timeline.held(actor_id, Role.COMMITTEE, at):
            return True
        if (kind == AGENCY and (name != "withdraw" or from_state in EXECUTION_STATES)
                and agencies and timeline.held(actor_id, Role.AGENCY, at, agency_ids=agencies)):
            return True
        if (kind == PROPOSER and from_state in PRE_EXECUTION_STATES
                and any(pp.user_id == actor_id for pp in p.proposers.all())):
            return True
    return False


@invariants.invariant("proposals.place_matches_place_changes")
def place_matches_place_changes(*, using="default"):
    """A proposal's village and point are those of its last PlaceChange; unplaced when it has none.

    The place is outside the proposal's sealed history (docs/decisions.md, "Places"): every service that sets
    it writes a PlaceChange on the chain in the same transaction (proposal_create, proposal_place_set,
    proposal_draft_update), so a place written in SQL without one, or a PlaceChange rewritten, shows here.
    """
    from django.db.models import OuterRef, Subquery

    from places.models import PlaceChange

    from .models import Proposal

    last = (PlaceChange.objects.using(using).filter(subject=PlaceChange.Subject.PROPOSAL, subject_id=OuterRef("pk"))
            .order_by("-recorded_at", "-id"))
    rows = (Proposal.objects.using(using)
            .annotate(pc=Subquery(last.values("id")[:1]), pc_village=Subquery(last.values("village_id")[:1]),
                      pc_lon=Subquery(last.values("lon")[:1]), pc_lat=Subquery(last.values("lat")[:1]))
            .order_by("pk")
            .values_list("pk", "village_id", "point_lon", "point_lat", "pc", "pc_village", "pc_lon", "pc_lat"))
    for pk, village, lon, lat, pc, pc_village, pc_lon, pc_lat in rows:
        now = (village, lon, lat)
        if pc is None and now != (None, None, None):
            yield Problem(ref=_subject(pk), subject=_subject(pk),
                          detail=f"proposal {pk} is placed in village {village} at ({lon}, {lat}) without a place "
                                 "change on record")
        elif pc is not None and now != (pc_village, pc_lon, pc_lat):
            yield Problem(ref=_ref("places.placechange", pc), subject=_subject(pk),
                          detail=f"proposal {pk} is placed in village {village} at ({lon}, {lat}) but its last place "
                                 f"change says village {pc_village} at ({pc_lon}, {pc_lat})")
