"""i-Voting rounds: one per district per cycle, with rules frozen once the round opens.

Frozen means the database refuses it: a PostgreSQL trigger (migration `rounds_and_ballots`) refuses
any change to the rule columns of a round that is no longer a draft, and any change to the list of
projects on its ballot (docs/decisions.md, "Voting: rounds and ballots").
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.systext import SystemTextCharField
from voting import rules


class Round(models.Model):
    class BallotType(models.TextChoices):
        APPROVAL = rules.APPROVAL, _("Approval: choose a number of projects")
        POINTS = rules.POINTS, _("Points to distribute")
        KNAPSACK = rules.KNAPSACK, _("Projects within a budget")
        RANKING = rules.RANKING, _("Ranking with a score per place")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed, being counted")
        TALLIED = "tallied", _("Results published")

    class CountingRule(models.TextChoices):
        TAIPEI = rules.TAIPEI, _("Taipei: over the threshold and within the admission cap")
        GREEDY = rules.GREEDY, _("Greedy by votes within the budget (skip what does not fit)")
        GREEDY_STOP = rules.GREEDY_STOP, _("Greedy by votes within the budget (stop at the first that does not fit)")
        MES = rules.MES, _("Method of Equal Shares")
        MES_ADD1 = rules.MES_ADD1, _("Method of Equal Shares with Add1 completion")
        MES_ADD1_GREEDY = rules.MES_ADD1_GREEDY, _("Method of Equal Shares, Add1, then greedy")

    class TallyStep(models.TextChoices):
        """Where the count is (shown to staff while the Celery task runs); empty before it starts."""

        QUEUED = "queued", _("Waiting for a worker")
        VERIFY = "verify", _("Verifying the board")
        COUNT = "count", _("Counting")
        ADMIT = "admit", _("Recording admissions")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    # Steps of a count under way: a second start is refused, the staff page keeps polling.
    TALLY_RUNNING = (TallyStep.QUEUED, TallyStep.VERIFY, TallyStep.COUNT, TallyStep.ADMIT)

    # Columns the freeze trigger protects once the round is no longer a draft.
    FROZEN_FIELDS = (
        "cycle_id", "district_id", "opens_at", "closes_at", "ballot_type", "min_choices", "max_choices",
        "points", "max_per_project", "budget", "score_vector", "threshold", "threshold_basis",
        "admission_cap", "counting_rule",
    )

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="rounds")
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="rounds",
                                 verbose_name=_("district"))
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    ballot_type = models.CharField(_("ballot type"), max_length=10, choices=BallotType.choices,
                                   default=BallotType.APPROVAL)
    min_choices = models.PositiveSmallIntegerField(_("fewest choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), default=5)
    points = models.PositiveIntegerField(_("points to distribute"), default=0)
    max_per_project = models.PositiveIntegerField(_("most points per project"), default=0)
    budget = models.BigIntegerField(_("budget (NTD)"), default=0)
    score_vector = models.JSONField(_("score per place"), default=list, blank=True)
    threshold = models.PositiveIntegerField(_("votes to exceed"))
    threshold_basis = SystemTextCharField(_("how the threshold was set"), max_length=200)
    admission_cap = models.PositiveSmallIntegerField(_("admission cap"))
    counting_rule = models.CharField(_("counting rule"), max_length=30, choices=CountingRule.choices,
                                     default=CountingRule.TAIPEI)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    tallied_at = models.DateTimeField(null=True, blank=True)
    # The round's X25519 public key (hex): ballots are encrypted to it. Its private key is never stored:
    # the committee holds it in shares (manage.py round_keys) and a quorum opens the box after close.
    public_key = models.CharField(_("ballot-box public key"), max_length=64, blank=True)
    # The admission lot's commitment, published when the round opens; its seed is revealed by the tally
    # (pbcity/lot.py; docs/decisions.md, "Cycle kit"). Blank on rounds opened before it existed. The
    # published value is what counts (pages, open data, the cycle kit's manifest hash).
    lot_nonce = models.CharField(max_length=32, blank=True)
    lot_commitment = models.CharField(_("tie-lot commitment (SHA-256)"), max_length=64, blank=True)
    lot_seed = models.CharField(_("tie-lot seed"), max_length=64, blank=True)
    # The ballot box's head at close (every ciphertext is sealed by then), then the plaintext board's
    # head once the box is opened (the last entry hash and its position).
    box_size = models.PositiveIntegerField(null=True, blank=True)
    box_head = models.CharField(max_length=64, blank=True)
    box_opened_at = models.DateTimeField(null=True, blank=True)
    board_size = models.PositiveIntegerField(null=True, blank=True)
    board_head = models.CharField(max_length=64, blank=True)
    # Tally progress, shown to staff while the Celery task runs.
    tally_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    tally_step = models.CharField(max_length=30, blank=True, choices=TallyStep.choices)
    tally_percent = models.PositiveSmallIntegerField(default=0)
    tally_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["cycle", "district_id"]
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "district"], name="round_one_per_district_per_cycle"),
            models.CheckConstraint(name="round_closes_after_opening", condition=Q(closes_at__gt=F("opens_at"))),
            models.CheckConstraint(name="round_choices_range",
                                   condition=Q(min_choices__gte=1) & Q(max_choices__gte=F("min_choices"))),
            models.CheckConstraint(name="round_cap_positive", condition=Q(admission_cap__gte=1)),
            models.CheckConstraint(name="round_tally_percent", condition=Q(tally_percent__lte=100)),
            models.CheckConstraint(name="round_open_has_key", condition=Q(status="draft") | ~Q(public_key="")),
            models.CheckConstraint(
                name="round_closed_has_box",
                condition=Q(status__in=["draft", "open"]) | (Q(box_size__isnull=False) & ~Q(box_head="")),
            ),
            models.CheckConstraint(
                name="round_tallied_has_board",
                condition=~Q(status="tallied") | (Q(board_size__isnull=False) & ~Q(board_head="")),
            ),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.district}"

    @property
    def spec(self) -> rules.BallotSpec:
        return rules.BallotSpec(
            kind=self.ballot_type, min_choices=self.min_choices, max_choices=self.max_choices,
            points=self.points, max_per_project=self.max_per_project, budget=self.budget,
            score_vector=tuple(self.score_vector or ()),
        )

    def accepts_ballots_at(self, when) -> bool:
        return self.status == self.Status.OPEN and self.opens_at <= when < self.closes_at

    @property
    def box_opened(self) -> bool:
        """The plaintext board has been written from the ballot box (after close)."""
        return self.board_size is not None


class RoundProject(models.Model):
    """A proposal on a round's ballot, with the cost the knapsack ballot uses."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="projects")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="round_entries")
    cost = models.BigIntegerField(_("cost (NTD)"), default=0)
    position = models.PositiveSmallIntegerField(_("position on the ballot"))

    class Meta:
        ordering = ["round", "position"]
        verbose_name = _("project on the ballot")
        verbose_name_plural = _("projects on the ballot")
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal"], name="round_project_once"),
            models.UniqueConstraint(fields=["round", "position"], name="round_project_position_once"),
        ]


@audited
class RoundEvent(models.Model):
    """Append-only: a round was created, opened, closed or tallied — who, when, why, the old status."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=20)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10)
    reason = SystemTextCharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("round event")
        verbose_name_plural = _("round events")


@audited
class RoundResult(models.Model):
    """Append-only: one proposal's line in a tallied round (written once by the tally)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="results")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(_("votes"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    over_threshold = models.BooleanField(_("over the threshold"))
    in_lot = models.BooleanField(_("tied at the cap, settled by lot"), default=False)
    admitted = models.BooleanField(_("admitted"))

    class Meta:
        ordering = ["round", "rank", "proposal_id"]
        verbose_name = _("result line")
        verbose_name_plural = _("result lines")
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal"], name="round_result_once"),
            models.CheckConstraint(name="result_admitted_over_threshold",
                                   condition=~Q(admitted=True) | Q(over_threshold=True)),
        ]


@audited
class TallyLot(models.Model):
    """Append-only: the lot drawn when projects over the threshold tie across the admission cap.

    When the round has a `lot_commitment` (opened since the cycle kit) the order is
    pbcity.lot.committed_order(seed, ids) and SHA-256(seed) is that commitment. (No column for it here: this
    row is on the audit chain, and a new column would change the hash of every sealed row.) Without one
    (legacy) the order is `random.Random(seed).sample(sorted ids)` with a seed drawn at the tally.
    scripts/recount_vote.py redraws both.
    """

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="lot")
    votes = models.PositiveIntegerField(_("votes of the tied projects"))
    slots = models.PositiveSmallIntegerField(_("places left within the cap"))
    seed = models.CharField(max_length=64)
    drawn_order = models.JSONField()  # proposal ids in the order drawn; the first `slots` are admitted
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lot at the admission cap")
        verbose_name_plural = _("lots at the admission cap")
        constraints = [models.CheckConstraint(name="tally_lot_slots_positive", condition=Q(slots__gte=1))]
