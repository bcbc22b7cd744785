"""Reads for the proposal pages. Query counts stay flat however many proposals there are."""
import json
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _lazy

from pbcity import search
from pbcity.permissions import acts_as, role_assignments
from pbcity.roles import Role

from . import conditions as cond
from . import permissions as perm
from .lifecycle import ALL_TRANSITIONS
from .models import Attachment, Consent, Proposal, ProposalProposer, TransitionLog


def proposal_list(*, cycle=None, district=None, state=None, category=None, text: str = ""):
    qs = Proposal.objects.select_related("cycle", "district", "lead_agency").only(
        "id", "title", "state", "category", "track", "estimated_cost", "created_at", "location",
        "cycle__year", "cycle__name", "district__name", "district__name_en", "district__code",
        "lead_agency__name", "lead_agency__name_en", "village", "point_lon", "point_lat",
    )
    qs = qs.public()  # never-raised proposals are private; see Proposal.is_public
    if cycle:
        qs = qs.filter(cycle=cycle)
    if district:
        qs = qs.filter(district=district)
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    return proposal_search(qs, text=text)


def proposal_search(qs, *, text: str, path: str = ""):
    """`qs` (proposals, or rows reaching one through `path`, e.g. "proposal__") narrowed to those whose
    title, location, problem or solution hold `text` (pbcity.search: bigram index on PostgreSQL)."""
    return search.matching(qs, text, fields=tuple(path + f for f in Proposal.SEARCH_FIELDS),
                           document=path + "search_document")


def proposal_detail(*, pk: int) -> Proposal:
    consents = Prefetch("consents", queryset=Consent.objects.order_by("recorded_at", "id"))
    return (
        Proposal.objects.select_related("cycle", "district", "lead_agency", "merged_into", "village")
        .prefetch_related(
            Prefetch("proposers", queryset=ProposalProposer.objects.select_related("user").prefetch_related(consents)),
            "co_agencies",
            "attachments",
            "revisions",
            "merged_from",
            Prefetch("transitions", queryset=TransitionLog.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


def attachment_get(*, proposal_pk: int, pk: int) -> Attachment:
    """One attachment of one proposal (raises Attachment.DoesNotExist otherwise)."""
    return Attachment.objects.select_related("proposal").get(proposal_id=proposal_pk, pk=pk)


def proposal_actions(*, proposal: Proposal, user) -> list[dict]:
    """The transitions this user may start now, with any unmet condition explained."""
    if not getattr(user, "is_authenticated", False):
        return []
    actions = []
    field = Proposal._meta.get_field("state")
    for t in field.get_all_transitions(Proposal):
        if t.source != proposal.state or t.name not in ALL_TRANSITIONS or not t.has_perm(proposal, user):
            continue
        checks = [*t.conditions, *cond.BY_HAND.get(t.name, ())]
        unmet = [str(c.message) for c in checks if c not in _FORM_INPUT and not c(proposal)]
        actions.append({"name": t.name, "label": ALL_TRANSITIONS[t.name], "unmet": unmet, "target": t.target})
    return actions


# Conditions about what the action's own form supplies (the lead agency, the merge target):
# checked when the form is submitted, not before it is shown.
_FORM_INPUT = {cond.has_lead_agency, cond.valid_merge_target}


def proposal_audit(*, proposal: Proposal) -> dict:
    """Every historical version as a readable diff against the one before, and every transition."""
    history = list(proposal.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    prev = None
    for rec in history:
        changes = []
        if prev is not None:
            delta = rec.diff_against(prev, foreign_keys_are_objs=False)
            for ch in delta.changes:
                field = Proposal._meta.get_field(ch.field)
                changes.append({"field": field.verbose_name, "old": _readable(field, ch.old),
                                "new": _readable(field, ch.new)})
        entries.append({"record": rec, "changes": changes, "created": prev is None})
        prev = rec
    entries.reverse()
    transitions = proposal.transitions.select_related("actor").order_by("-created_at", "-id")
    return {"history": entries, "transitions": list(transitions)}


def _readable(field, value):
    """Show a choice by its label, a related row by its name, a list of relations by their names."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.many_to_many:
        ids = [v[field.m2m_reverse_field_name()] if isinstance(v, dict) else v for v in value]
        return "、".join(str(o) for o in field.related_model.objects.filter(pk__in=ids)) or "—"
    if field.is_relation:
        obj = field.related_model.objects.filter(pk=value).first()
        return str(obj) if obj else value
    return value


def proposals_for_user(*, user):
    return Proposal.objects.filter(proposers__user=user).select_related("district", "cycle", "village").distinct()


# Who moves a proposal forward from which states: the predicates of the forward transitions.
# (Withdrawal, exclusion, merge and early closure are exceptions, not work waiting in a queue.)
_FORWARD_BY_ROLE = {
    Role.DISTRICT_OFFICE: (perm.can_raise, perm.can_decide_assembly, perm.can_designate_agencies,
                           perm.can_route_to_workshop),
    Role.AGENCY: (perm.can_act_as_lead,),
    Role.COMMITTEE: (perm.can_decide_review,),
    Role.CIVIL_AFFAIRS: (perm.can_run_city_stage,),
}
_EXCEPTIONAL = {"withdraw", "exclude", "merge", "close_early", "close_assessment", "reject_at_vote",
                "reject_at_assembly", "fail_review"}


def _forward_sources(predicates) -> set[str]:
    field = Proposal._meta.get_field("state")
    return {t.source for t in field.get_all_transitions(Proposal)
            if t.permission in predicates and t.name not in _EXCEPTIONAL}


def proposals_awaiting(*, user, limit: int = 200) -> list[dict]:
    """Proposals waiting for this staff member's next step, each with the steps they may take."""
    scope = Q(pk__in=[])
    for ra in role_assignments(user):
        preds = _FORWARD_BY_ROLE.get(ra.role)
        if not preds or not acts_as(user, ra.role, district_id=ra.district_id, agency_id=ra.agency_id):
            continue
        where = Q(state__in=_forward_sources(preds))
        if ra.role == Role.DISTRICT_OFFICE:
            where &= Q(district_id=ra.district_id)
        elif ra.role == Role.AGENCY:
            where &= Q(lead_agency_id=ra.agency_id)
        scope |= where
    rows = (
        Proposal.objects.filter(scope)
        .select_related("cycle", "district", "lead_agency")
        .prefetch_related("proposers", "co_agencies")
        .order_by("cycle__year", "district_id", "state", "id")[:limit]
    )
    field = Proposal._meta.get_field("state")
    transitions = list(field.get_all_transitions(Proposal))
    out = []
    for p in rows:
        steps = [ALL_TRANSITIONS[t.name] for t in transitions
                 if t.source == p.state and t.name in ALL_TRANSITIONS and t.name not in _EXCEPTIONAL
                 and t.has_perm(p, user)]
        if steps:
            out.append({"proposal": p, "steps": steps})
    return out


# Stages a councillor follows as "projects": the city has committed to them.
PROJECT_STATES = ("admitted", "budgeting", "direct_execution", "in_execution", "completed", "closed_early")


def district_oversight(*, district, cycle=None, stalled_after_days: int = 90) -> dict:
    """What a district's residents chose and what became of it: counts and money by stage, and the
    projects with their lead agency and last movement (stalled ones flagged)."""
    from django.db.models import Count, Max, Sum
    from django.utils import timezone

    qs = Proposal.objects.public().filter(district=district)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    by_state = {
        row["state"]: row
        for row in qs.values("state").annotate(n=Count("id"), cost=Sum("estimated_cost")).order_by()
    }
    stages = [
        {"state": value, "label": label, "n": by_state[value]["n"], "cost": by_state[value]["cost"] or 0}
        for value, label in Proposal._meta.get_field("state").choices if value in by_state
    ]
    cutoff = timezone.now() - timezone.timedelta(days=stalled_after_days)
    projects = list(
        qs.filter(state__in=PROJECT_STATES)
        .select_related("cycle", "lead_agency")
        .annotate(last_moved=Max("transitions__created_at"))
        .order_by("-cycle__year", "state", "title")
    )
    for p in projects:
        p.stalled = (p.state in ("budgeting", "direct_execution", "in_execution")
                     and (p.last_moved or p.created_at) < cutoff)
    return {
        "stages": stages,
        "total": sum(s["n"] for s in stages),
        "projects": projects,
        "committed_cost": sum(p.estimated_cost or 0 for p in projects if p.state != "closed_early"),
        "stalled_after_days": stalled_after_days,
    }


def proposal_audit_rows(*, proposal) -> list:
    """Querysets of every audit row about `proposal`: its history (and m2m history), and every
    audit record with a `proposal` (or `proposer` of it) foreign key, whichever app keeps it."""
    from pbcity.audit.registry import audited_models, is_history_model

    out = []
    for model in audited_models():
        fks = {f.name: f.related_model for f in model._meta.concrete_fields if f.is_relation}
        if is_history_model(model) and model.instance_type is Proposal:
            out.append(model._base_manager.filter(id=proposal.pk))
        elif is_history_model(model) and getattr(fks.get("history"), "instance_type", None) is Proposal:
            out.append(model._base_manager.filter(history__id=proposal.pk))
        elif fks.get("proposal") is Proposal and not is_history_model(model):
            out.append(model._base_manager.filter(proposal=proposal))
        elif fks.get("proposer") is ProposalProposer and not is_history_model(model):
            out.append(model._base_manager.filter(proposer__proposal=proposal))
    return out


# -- the review panel's decision, as the history records it ------------------------------------

REVIEW_TRANSITIONS = ("pass_review", "fail_review")
_LIGHT_LABELS = {"green": _lazy("green (high)"), "yellow": _lazy("yellow (medium)"), "red": _lazy("red (low)")}
_SUMMARY = "sys:deliberation.panel_summary "


@dataclass(frozen=True)
class PanelReview:
    """The panel's outcome for one proposal: its verdict's lights, or those its history carries."""
    passed: bool
    decided_at: object
    log: TransitionLog
    publicness: str | None = None
    legality: str | None = None
    budget: str | None = None
    n_scores: int | None = None
    panel: object = None

    @property
    def has_lights(self) -> bool:
        return any((self.publicness, self.legality, self.budget))

    def get_publicness_display(self):
        return _LIGHT_LABELS.get(self.publicness, "")

    def get_legality_display(self):
        return _LIGHT_LABELS.get(self.legality, "")

    def get_budget_display(self):
        return _LIGHT_LABELS.get(self.budget, "")


def panel_review(*, proposal) -> PanelReview | None:
    """What the review panel decided, read from the same records as the proposal's history: its last
    pass_review / fail_review transition, with the lights of the panel's verdict (deliberation's
    `panel_verdicts`), or failing that the lights stored with the transition's reason. None if the history
    has no panel decision. A page never says "no panel lights" while its history says the panel scored it."""
    log = (TransitionLog.objects.filter(proposal=proposal, transition__in=REVIEW_TRANSITIONS)
           .order_by("-created_at", "-id").first())
    if log is None:
        return None
    passed = log.transition == "pass_review"
    verdict = proposal.panel_verdicts.select_related("panel").order_by("-decided_at", "-id").first()
    if verdict is not None:
        return PanelReview(passed=verdict.passed, decided_at=verdict.decided_at, log=log, panel=verdict.panel,
                           publicness=verdict.publicness, legality=verdict.legality, budget=verdict.budget,
                           n_scores=verdict.n_scores)
    stored = str.__str__(log.reason or "")
    lights, n = {}, None
    if stored.startswith(_SUMMARY):  # scoring.panel_close stores the lights with the reason
        try:
            params = json.loads(stored[len(_SUMMARY):])
            lights, n = dict(params.get("lights") or {}), params.get("n")
        except (ValueError, AttributeError):
            lights = {}
    return PanelReview(passed=passed, decided_at=log.created_at, log=log, n_scores=n,
                       **{k: lights.get(k) for k in ("publicness", "legality", "budget")})


# -- contacts and orphaned proposals -----------------------------------------------------------------------

def proposal_proposers(proposal) -> list:
    """Every proposer of the proposal and of the proposals merged into it (each answers for themselves)."""
    return list(ProposalProposer.objects.filter(Q(proposal=proposal) | Q(proposal__merged_into=proposal))
                .select_related("user").order_by("id"))


def proposal_contact(proposal):
    """The proposal's contact: the latest contact record, else its first proposer with an account (or None)."""
    from .models import ProposalContact

    row = (ProposalContact.objects.filter(proposal=proposal).select_related("user")
           .order_by("-recorded_at", "-id").first())
    if row is not None:
        return row.user
    first = proposal.proposers.filter(user__isnull=False).select_related("user").order_by("id").first()
    return first.user if first else None


def contact_history(proposal) -> list:
    from .models import ProposalContact

    return list(ProposalContact.objects.filter(proposal=proposal).select_related("user", "consented_by", "recorded_by")
                .order_by("recorded_at", "id"))


def orphan_flags_open(*, district=None):
    """Open flags of proposers who stopped taking part, oldest first (the district office's list)."""
    from .models import OrphanFlag

    qs = OrphanFlag.objects.filter(resolved_at__isnull=True).select_related("proposal__district", "proposer__user")
    if district is not None:
        qs = qs.filter(proposal__district=district)
    return qs.order_by("flagged_at", "id")


def accountability_counts(*, cycle) -> dict:
    """Per cycle, for the evaluation report: proposers flagged as orphaned and contact changes."""
    from .models import OrphanFlag, ProposalContact

    return {
        "orphan_flags": OrphanFlag.objects.filter(proposal__cycle=cycle).count(),
        "orphan_flags_open": OrphanFlag.objects.filter(proposal__cycle=cycle, resolved_at__isnull=True).count(),
        "contact_changes": ProposalContact.objects.filter(proposal__cycle=cycle).count(),
    }

def proposal_place_counts(qs, *, district=None) -> dict:
    """How many of the filtered proposals are in each village (a district's map) or district (the city's):
    one grouped query however many proposals match."""
    key = "village_id" if district is not None else "district_id"
    rows = qs.order_by().exclude(**{f"{key}__isnull": True}).values(key).annotate(n=Count("id"))
    return {r[key]: r["n"] for r in rows}
