from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from pbcity import search
from pbcity.fields import SingleLineCharField
from proposals import conditions as cond
from proposals import permissions as perm
from proposals.states import (
    EXECUTION_STATES,
    MERGEABLE_STATES,
    OPEN_STATES,
    Category,
    State,
    Track,
)

S = State


class ProposalQuerySet(search.SearchDocumentQuerySet):
    def update(self, **kwargs):
        # A bulk update would move proposals around the lifecycle, its checks and its audit log.
        if "state" in kwargs:
            raise PermissionError("A proposal's state changes only through its lifecycle transitions.")
        return super().update(**kwargs)

    def public(self):
        """Proposals anyone may see: those ever raised (docs/decisions.md, "Who sees a proposal").

        Publication is a fact of the past, not a state: a draft withdrawn before it was raised stays
        private, a proposal withdrawn after it was raised stays public. `Proposal.is_public` is the
        same rule for one proposal; `permissions.can_view` adds who else sees a private one.
        """
        return self.filter(published_at__isnull=False)


class Proposal(search.SearchDocumentMixin, ConcurrentTransitionMixin, models.Model):
    """A resident proposal. `state` moves only through the transitions below, called by services."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="proposals",
                              verbose_name=_("cycle"))
    district = models.ForeignKey(
        "pbcity.District", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("district")
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, default=Track.DISTRICT)
    title = SingleLineCharField(_("title"), max_length=120)
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("proposed solution"))
    location = SingleLineCharField(_("location"), max_length=200, blank=True)
    # Where it is (docs/decisions.md, "Places"): set and corrected only through services, each time
    # recorded in places.PlaceChange (the history table below is sealed and cannot grow columns).
    village = models.ForeignKey("places.Village", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="proposals", verbose_name=_("village (里)"))
    point_lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    point_lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost (NTD)"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    state = FSMField(_("state"), default=S.DRAFT, choices=State.choices, protected=True, db_index=True)
    lead_agency = models.ForeignKey(
        "pbcity.Agency", null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_proposals", verbose_name=_("lead agency"),
    )
    co_agencies = models.ManyToManyField(
        "pbcity.Agency", blank=True, related_name="co_proposals", verbose_name=_("co-agencies")
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("raised on"), auto_now_add=True)
    # Set once, when the proposal is first saved past draft (raise_proposal), and never cleared.
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The searched text as bigram/word tokens, kept in step on every write (pbcity.search).
    search_document = search.document_field()
    SEARCH_FIELDS = ("title", "location", "problem", "solution")

    objects = ProposalQuerySet.as_manager()
    # published_at is not in the history: the raise's TransitionLog records the moment, and the existing
    # history rows (chained by the audit) keep their columns.
    # (search_document neither: it is derived from the columns the history keeps.)
    history = HistoricalRecords(m2m_fields=[co_agencies],
                                excluded_fields=["updated_at", "published_at", "search_document",
                                                 "village", "point_lon", "point_lat"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["cycle", "district", "state"]),
            models.Index(fields=["-created_at", "-id"], name="proposal_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(name="proposal_not_merged_into_itself", condition=~Q(merged_into=models.F("id"))),
            models.CheckConstraint(
                name="proposal_merged_iff_target",
                condition=Q(state="merged", merged_into__isnull=False) | ~Q(state="merged"),
            ),
            # A draft was never published; every state after draft except a withdrawal is reached
            # only through raise_proposal. Only a withdrawn proposal may be either.
            models.CheckConstraint(
                name="proposal_draft_unpublished",
                condition=~Q(state="draft") | Q(published_at__isnull=True),
            ),
            models.CheckConstraint(
                name="proposal_point_whole",
                condition=Q(point_lon__isnull=True, point_lat__isnull=True)
                | Q(point_lon__isnull=False, point_lat__isnull=False, village__isnull=False),
            ),
            models.CheckConstraint(
                name="proposal_raised_published",
                condition=Q(state__in=["draft", "withdrawn"]) | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # Published once it is saved past draft: raise_proposal is the only way out of draft other than
        # a withdrawal, so a withdrawn proposal keeps whatever it had (docs/decisions.md, "Who sees a proposal").
        if self.published_at is None and self.state not in (S.DRAFT, S.WITHDRAWN):
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_public(self) -> bool:
        """Anyone may see it: it was raised at some point (the one rule; see ProposalQuerySet.public)."""
        return self.published_at is not None

    # -- raising (consultation desk drafts, assemblies) ----------------------------------
    @transition(field=state, source=S.DRAFT, target=S.RAISED, permission=perm.can_raise)
    def raise_proposal(self):
        """Presented at a resident assembly (or entered by the district office): from now on public (save)."""

    # -- resident assembly (rule 1) -----------------------------------------------------
    @transition(field=state, source=S.RAISED, target=S.ASSEMBLY_PASSED, permission=perm.can_decide_assembly)
    def pass_assembly(self):
        """Got votes from more than half of those present and ranks in the top K."""

    @transition(field=state, source=S.RAISED, target=S.ASSEMBLY_REJECTED, permission=perm.can_decide_assembly)
    def reject_at_assembly(self):
        pass

    # -- pre-meeting (rules 2, 3) -------------------------------------------------------
    @transition(
        field=state, source=S.ASSEMBLY_PASSED, target=S.AGENCIES_ASSIGNED,
        permission=perm.can_designate_agencies, conditions=[cond.has_lead_agency],
    )
    def designate_agencies(self):
        pass

    @transition(
        field=state, source=S.AGENCIES_ASSIGNED, target=S.DIRECT_EXECUTION, permission=perm.can_act_as_lead,
        conditions=[cond.single_agency, cond.proposers_consent_direct_execution,
                    cond.lead_agency_statement_direct_execution],
    )
    def agree_direct_execution(self):
        pass

    @transition(
        field=state, source=S.AGENCIES_ASSIGNED, target=S.IN_ASSESSMENT, permission=perm.can_act_as_lead,
        conditions=[cond.assessment_category, cond.proposers_consent_assessment],
    )
    def take_into_assessment(self):
        pass

    @transition(
        field=state, source=[S.ASSEMBLY_PASSED, S.AGENCIES_ASSIGNED], target=S.EXCLUDED, permission=perm.can_exclude,
        conditions=[cond.exclusion_category_chosen],
    )
    def exclude(self):
        pass

    @transition(
        field=state, source=S.AGENCIES_ASSIGNED, target=S.IN_WORKSHOP,
        permission=perm.can_route_to_workshop, conditions=[cond.has_lead_agency],
    )
    def send_to_workshop(self):
        pass

    # -- assessment handling ------------------------------------------------------------
    @transition(field=state, source=S.IN_ASSESSMENT, target=S.IN_EXECUTION, permission=perm.can_act_as_lead)
    def execute_after_assessment(self):
        pass

    @transition(field=state, source=S.IN_ASSESSMENT, target=S.ASSESSMENT_CLOSED, permission=perm.can_act_as_lead)
    def close_assessment(self):
        pass

    # -- review workshop (rules 4, 5) ---------------------------------------------------
    @transition(field=state, source=S.IN_WORKSHOP, target=S.REVIEW_PASSED, permission=perm.can_decide_review)
    def pass_review(self):
        pass

    @transition(field=state, source=S.IN_WORKSHOP, target=S.REVIEW_FAILED, permission=perm.can_decide_review)
    def fail_review(self):
        pass

    # -- exhibition and i-Voting (rules 6, 7) -------------------------------------------
    @transition(field=state, source=S.REVIEW_PASSED, target=S.ON_EXHIBITION, permission=perm.can_run_city_stage)
    def open_exhibition(self):
        pass

    @transition(field=state, source=S.ON_EXHIBITION, target=S.IN_VOTE, permission=perm.can_record_vote)
    def open_vote(self):
        pass

    @transition(field=state, source=S.IN_VOTE, target=S.ADMITTED, permission=perm.can_record_vote)
    def admit(self):
        pass

    @transition(field=state, source=S.IN_VOTE, target=S.NOT_ADMITTED, permission=perm.can_record_vote)
    def reject_at_vote(self):
        pass

    # -- budget and execution (rules 8, 9) ----------------------------------------------
    @transition(
        field=state, source=S.ADMITTED, target=S.BUDGETING,
        permission=perm.can_run_city_stage, conditions=[cond.has_lead_agency],
    )
    def notify_agencies(self):
        pass

    @transition(
        field=state, source=[S.BUDGETING, S.DIRECT_EXECUTION], target=S.IN_EXECUTION, permission=perm.can_act_as_lead
    )
    def start_execution(self):
        pass

    @transition(field=state, source=S.IN_EXECUTION, target=S.COMPLETED, permission=perm.can_complete)
    def complete(self):
        pass

    # -- from open states ---------------------------------------------------------------
    @transition(field=state, source=list(OPEN_STATES), target=S.WITHDRAWN, permission=perm.can_withdraw)
    def withdraw(self):
        pass

    @transition(
        field=state, source=list(MERGEABLE_STATES), target=S.MERGED, permission=perm.can_merge,
        conditions=[cond.valid_merge_target, cond.proposers_consent_merge],
    )
    def merge(self):
        pass

    @transition(field=state, source=list(EXECUTION_STATES), target=S.CLOSED_EARLY, permission=perm.can_close_early)
    def close_early(self):
        pass
