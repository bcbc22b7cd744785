"""Stage 2: the citizen review panel (審議團), its verifiable draw, the scores and the outcome.

See docs/decisions.md, "Review panel". Records of the draw, the scores, the verdicts and the
allowances are append-only (Python and PostgreSQL refuse changes) and enter the audit hash chain.
"""
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.audit import audited

from .. import rules
from .base import AppendOnlyModel

__all__ = ["Allowance", "DrawCommitment", "DrawEntry", "DrawRecord", "PanelSeat", "ReviewPanel", "Score", "Verdict"]


class SeatType(models.TextChoices):
    HOST = rules.HOST, _("host (committee member)")
    CO_HOST = rules.CO_HOST, _("co-host (committee member)")
    DELIBERATOR = rules.DELIBERATOR, _("vice-host (deliberator)")
    ADVANCED = rules.ADVANCED, _("advanced-card citizen")
    BASIC = rules.BASIC, _("basic-card citizen")
    PROPOSER = rules.PROPOSER, _("previous-year proposer")


class Light(models.TextChoices):
    GREEN = rules.GREEN, _("green (high)")
    YELLOW = rules.YELLOW, _("yellow (medium)")
    RED = rules.RED, _("red (low)")


LIGHT_VALUES = [c[0] for c in Light.choices]


class ReviewPanel(models.Model):
    """The 12-seat citizen review panel of one district's review workshop (stage 2)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        COMMITTED = "committed", _("commitment published")
        DRAWN = "drawn", _("drawn")
        SCORING = "scoring", _("scoring open")
        CLOSED = "closed", _("closed")

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="review_panels",
                              verbose_name=_("cycle"))
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="review_panels",
                                 verbose_name=_("district"))
    starts_at = models.DateTimeField(_("starts at"))
    venue = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    agenda = models.ManyToManyField("proposals.Proposal", blank=True, related_name="review_panels",
                                    verbose_name=_("proposals reviewed"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[agenda])

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "district"], name="review_panel_one_per_district"),
            models.CheckConstraint(name="review_panel_place_or_link", condition=~Q(venue="") | ~Q(online_url="")),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.district}"

    def get_absolute_url(self):
        return reverse("deliberation:panel_detail", args=[self.pk])


class PanelSeat(models.Model):
    """One person's seat on a panel. An absent member keeps the row (status absent) so the record
    shows who was replaced by whom; nobody holds two seats on one panel."""

    class Source(models.TextChoices):
        APPOINTED = "appointed", _("appointed")
        DRAWN = "drawn", _("drawn by lot")
        ALTERNATE = "alternate", _("alternate")

    class Status(models.TextChoices):
        SEATED = "seated", _("seated")
        ABSENT = "absent", _("absent")

    panel = models.ForeignKey(ReviewPanel, on_delete=models.PROTECT, related_name="seats")
    seat_type = models.CharField(_("seat"), max_length=12, choices=SeatType.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats")
    source = models.CharField(_("how chosen"), max_length=12, choices=Source.choices)
    pseudonym = models.CharField(_("draw id"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.SEATED)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "created_at", "id"]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_seat_one_per_person"),
            models.UniqueConstraint(
                fields=["panel", "seat_type"], name="panel_seat_one_host_each",
                condition=Q(seat_type__in=list(rules.APPOINTED_SEATS)),
            ),
            models.CheckConstraint(name="panel_seat_type_known", condition=Q(seat_type__in=list(rules.SEAT_QUOTAS))),
            models.CheckConstraint(
                name="panel_seat_appointed_iff_host",
                condition=Q(seat_type__in=list(rules.APPOINTED_SEATS), source="appointed")
                | (~Q(seat_type__in=list(rules.APPOINTED_SEATS)) & ~Q(source="appointed")),
            ),
            models.CheckConstraint(name="panel_seat_not_replacing_itself", condition=~Q(replaces=F("id"))),
        ]

    def __str__(self):
        return f"{self.get_seat_type_display()}: {self.user}"

    @property
    def is_scoring(self) -> bool:
        """A drawn seat (the holder scores); hosts and the vice-host do not."""
        return rules.may_score(self.seat_type)


@audited
class DrawCommitment(AppendOnlyModel):
    """The published commitment: SHA-256 of the input document (pools, quotas, algorithm, randomness source)."""

    panel = models.OneToOneField(ReviewPanel, on_delete=models.PROTECT, related_name="commitment")
    document = models.TextField(_("input document (canonical JSON)"))
    sha256 = models.CharField(_("commitment (SHA-256)"), max_length=64)
    randomness_source = models.TextField(_("announced source of randomness"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draw commitment")
        verbose_name_plural = _("draw commitments")
        constraints = [models.CheckConstraint(name="draw_commitment_hex", condition=Q(sha256__regex=r"^[0-9a-f]{64}$"))]

    @property
    def doc(self) -> dict:
        return json.loads(self.document)


@audited
class DrawEntry(AppendOnlyModel):
    """Who stands behind a pseudonymous id in a committed pool (not published)."""

    commitment = models.ForeignKey(DrawCommitment, on_delete=models.PROTECT, related_name="entries")
    seat_type = models.CharField(max_length=12, choices=SeatType.choices)
    pseudonym = models.CharField(max_length=16)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commitment", "pseudonym"], name="draw_entry_pseudonym_unique"),
            models.UniqueConstraint(fields=["commitment", "user"], name="draw_entry_one_pool_per_person"),
        ]


@audited
class DrawRecord(AppendOnlyModel):
    """The draw: the public random value, the seed and the result. One per panel and commitment (the
    database refuses a second, so a draw can never be re-run with another value)."""

    panel = models.OneToOneField(ReviewPanel, on_delete=models.PROTECT, related_name="draw")
    commitment = models.OneToOneField(DrawCommitment, on_delete=models.PROTECT, related_name="draw")
    random_value = models.CharField(_("public random value"), max_length=200)
    seed = models.CharField(max_length=64)
    result = models.TextField(_("result (JSON)"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draw record")
        verbose_name_plural = _("draw records")

    @property
    def doc(self) -> dict:
        return json.loads(self.result)


def _light_check(name, field, nullable=False):
    cond = Q(**{f"{field}__in": LIGHT_VALUES})
    if nullable:
        cond |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(name=name, condition=cond)


@audited
class Score(AppendOnlyModel):
    """One member's lights for one proposal. Submitted once; hidden from others until scoring closes."""

    panel = models.ForeignKey(ReviewPanel, on_delete=models.PROTECT, related_name="scores")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="panel_scores")
    seat = models.ForeignKey(PanelSeat, on_delete=models.PROTECT, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    publicness = models.CharField(_("publicness"), max_length=6, choices=Light.choices)
    legality = models.CharField(_("legality"), max_length=6, choices=Light.choices)
    budget = models.CharField(_("budget feasibility"), max_length=6, choices=Light.choices)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal_id", "seat_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["panel", "proposal", "member"], name="score_once_per_member"),
            _light_check("score_publicness_light", "publicness"),
            _light_check("score_legality_light", "legality"),
            _light_check("score_budget_light", "budget"),
        ]


@audited
class Verdict(AppendOnlyModel):
    """The panel's lights for one proposal and whether it goes on to the vote."""

    panel = models.ForeignKey(ReviewPanel, on_delete=models.PROTECT, related_name="verdicts")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="panel_verdicts")
    publicness = models.CharField(_("publicness"), max_length=6, choices=Light.choices, null=True)
    legality = models.CharField(_("legality"), max_length=6, choices=Light.choices, null=True)
    budget = models.CharField(_("budget feasibility"), max_length=6, choices=Light.choices, null=True)
    n_scores = models.PositiveSmallIntegerField(_("scores"))
    passed = models.BooleanField(_("goes on to the vote"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal_id"]
        verbose_name = _("panel verdict")
        verbose_name_plural = _("panel verdicts")
        constraints = [
            models.UniqueConstraint(fields=["panel", "proposal"], name="verdict_once_per_proposal"),
            _light_check("verdict_publicness_light", "publicness", nullable=True),
            _light_check("verdict_legality_light", "legality", nullable=True),
            _light_check("verdict_budget_light", "budget", nullable=True),
            # The rule in the database too: passing needs three lights, none red.
            models.CheckConstraint(
                name="verdict_passes_only_without_red",
                condition=Q(passed=False)
                | (Q(publicness__in=["green", "yellow"]) & Q(legality__in=["green", "yellow"])
                   & Q(budget__in=["green", "yellow"])),
            ),
        ]


@audited
class Allowance(AppendOnlyModel):
    """The transport allowance owed to a member for one sitting (amount from the cycle), for payment."""

    panel = models.ForeignKey(ReviewPanel, on_delete=models.PROTECT, related_name="allowances")
    seat = models.OneToOneField(PanelSeat, on_delete=models.PROTECT, related_name="allowance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sitting_on = models.DateField(_("sitting"))
    amount_ntd = models.PositiveIntegerField(_("amount (NTD)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["panel", "seat_id"]
        verbose_name = _("transport allowance")
        verbose_name_plural = _("transport allowances")
        constraints = [
            models.UniqueConstraint(fields=["panel", "member", "sitting_on"], name="allowance_once_per_sitting"),
        ]
