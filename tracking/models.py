"""Projects of the proposals the city carries out: budget path, milestones, reports, difficulties.

A project is created by the lifecycle (see tracking/receivers.py), never by hand; its proposal's `state`
stays the single truth of where it is (docs/decisions.md, "Tracking").
"""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField
from pbcity.uploads import storage_name


class CycleTracking(models.Model):
    """Tracking knobs of one cycle (kept here, keyed to the cycle, so pbcity's models stay as they are)."""

    cycle = models.OneToOneField("pbcity.Cycle", on_delete=models.CASCADE, related_name="tracking")
    update_interval_days = models.PositiveSmallIntegerField(
        _("days between milestone updates"), default=90,
        help_text=_("An open milestone must be updated at least this often, and when its planned date passes."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=14,
        help_text=_("An overdue update becomes a red flag for the committee after this many days."),
    )
    stalled_after_days = models.PositiveSmallIntegerField(_("stalled after (days)"), default=90)
    variance_percent = models.PositiveSmallIntegerField(
        _("budget variance flag (%)"), default=10,
        help_text=_("Flag a project whose spending differs from its approved budget by more than this."),
    )
    budget_confirm_from = models.DateField(_("next year's budget confirmed from"), null=True, blank=True)
    budget_confirm_until = models.DateField(_("next year's budget confirmed until"), null=True, blank=True)
    council_submission_on = models.DateField(_("budget goes to the council on"), null=True, blank=True)
    signoff_days = models.PositiveSmallIntegerField(
        _("days for the proposers' answer"), default=14,
        help_text=_("After this many days the district office may answer a change for a proposer who cannot be "
                    "reached, on record."),
    )
    question_days = models.PositiveSmallIntegerField(
        _("days for the agency's answer to a councillor"), default=30,
        help_text=_("A councillor's question not answered by then goes on the committee's agenda."),
    )

    class Meta:
        verbose_name = _("tracking settings")
        verbose_name_plural = _("tracking settings")
        constraints = [
            models.CheckConstraint(name="tracking_interval_positive", condition=Q(update_interval_days__gte=1)),
            models.CheckConstraint(name="tracking_signoff_days_positive", condition=Q(signoff_days__gte=1)),
            models.CheckConstraint(name="tracking_question_days_positive", condition=Q(question_days__gte=1)),
        ]

    def __str__(self):
        return str(self.cycle)

    # The seed's calendar: next year's budget is settled in May–June and goes to the council in September.
    def confirm_window(self):
        year = self.cycle.year + 1
        return (self.budget_confirm_from or datetime.date(year, 5, 1),
                self.budget_confirm_until or datetime.date(year, 6, 30))

    def council_date(self):
        return self.council_submission_on or datetime.date(self.cycle.year + 1, 9, 1)


class Project(models.Model):
    class BudgetPath(models.TextChoices):
        CURRENT_YEAR = "current_year", _("This year's budget")
        NEXT_YEAR = "next_year", _("Next year's budget")

    proposal = models.OneToOneField("proposals.Proposal", on_delete=models.PROTECT, related_name="project")
    lead_agency = models.ForeignKey(
        "pbcity.Agency", on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead agency")
    )
    co_agencies = models.ManyToManyField(
        "pbcity.Agency", blank=True, related_name="co_projects", verbose_name=_("co-agencies")
    )
    budget_path = models.CharField(
        _("budget path"), max_length=20, choices=BudgetPath.choices, default=BudgetPath.CURRENT_YEAR
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_transition = models.ForeignKey(
        "proposals.TransitionLog", null=True, on_delete=models.PROTECT, related_name="+"
    )
    agencies_notified_at = models.DateTimeField(_("agencies notified on"), null=True, blank=True)
    agencies_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_activity_at = models.DateTimeField(_("last recorded activity"), auto_now_add=True)
    # The agency's refined point, inside the proposal's village; without it the project is where its
    # proposal is (docs/decisions.md, "Places"). Trail in places.PlaceChange, not in the sealed history.
    point_lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    point_lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[co_agencies], excluded_fields=["point_lon", "point_lat"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(name="project_point_whole",
                                   condition=Q(point_lon__isnull=True, point_lat__isnull=True)
                                   | Q(point_lon__isnull=False, point_lat__isnull=False)),
        ]

    def __str__(self):
        return self.proposal.title

    @property
    def title(self):
        return self.proposal.title

    def get_absolute_url(self):
        return reverse("tracking:project", args=[self.pk])

    @property
    def place_point(self) -> tuple | None:
        """The refined point, else the proposal's (a project inherits its proposal's place)."""
        if self.point_lon is not None:
            return self.point_lon, self.point_lat
        if self.proposal.point_lon is not None:
            return self.proposal.point_lon, self.proposal.point_lat
        return None

    def agency_ids(self) -> set[int]:
        return {self.lead_agency_id, *(a.pk for a in self.co_agencies.all())}


@audited
class BudgetFigure(models.Model):
    """Append-only: each figure as stated on a date; the latest of a kind is the current one."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved")
        COMMITTED = "committed", _("Committed")
        EXECUTED = "executed", _("Executed")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="budget_figures")
    kind = models.CharField(_("figure"), max_length=10, choices=Kind.choices)
    amount = models.PositiveBigIntegerField(_("amount (NTD)"))
    as_of = models.DateField(_("as of"))
    note = SingleLineCharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("budget figure")
        verbose_name_plural = _("budget figures")


@audited
class CouncilDecision(models.Model):
    """Append-only: the city council's decision on the project's budget, recorded by civil affairs."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CUT = "cut", _("Approved with a cut")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="council_decisions")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    cut_amount = models.PositiveBigIntegerField(_("amount cut (NTD)"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"))
    note = SingleLineCharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")
        constraints = [
            models.CheckConstraint(
                name="council_cut_has_amount",
                condition=Q(outcome="cut", cut_amount__gt=0) | (~Q(outcome="cut") & Q(cut_amount__isnull=True)),
            )
        ]


class Milestone(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DELAYED = "delayed", _("Delayed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # What an agency writes: the milestone form, the service's allowed changes and the CSV columns, in order.
    EDITABLE_FIELDS = (
        "title", "weight", "planned_start", "planned_end", "actual_start", "actual_end", "status", "percent",
        "public_note", "staff_note",
    )

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones")
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    title = SingleLineCharField(_("title"), max_length=120)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("How much this milestone counts in the project's progress.")
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual completion"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    public_note = models.TextField(_("note for the public"), blank=True)
    staff_note = models.TextField(_("note for staff"), blank=True)
    last_update_on = models.DateField(_("last updated on"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_end", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["project", "agency", "title"], name="milestone_title_unique"),
            models.CheckConstraint(name="milestone_percent_range", condition=Q(percent__lte=100)),
            models.CheckConstraint(name="milestone_weight_positive", condition=Q(weight__gte=1)),
            models.CheckConstraint(
                name="milestone_done_is_complete",
                condition=~Q(status="done") | Q(percent=100, actual_end__isnull=False),
            ),
            models.CheckConstraint(
                name="milestone_planned_order",
                condition=Q(planned_start__isnull=True) | Q(planned_start__lte=F("planned_end")),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status not in (self.Status.DONE, self.Status.CANCELLED)


def _evidence_path(instance, filename):
    # Unguessable names: files are served only through tracking's views.
    return f"tracking/{instance.milestone.project_id}/evidence/{storage_name(filename)}"


@audited
class Evidence(models.Model):
    """Append-only: a photo or document showing a milestone's progress."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path)
    original_name = SingleLineCharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    alt_text = SingleLineCharField(_("description of the photo"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                name="evidence_photo_has_alt",
                condition=~Q(content_type__startswith="image/") | ~Q(alt_text=""),
            )
        ]

    @property
    def is_photo(self):
        return self.content_type.startswith("image/")


class Difficulty(models.Model):
    """An agency's difficulty for the committee's PB group, or a dispute among local residents."""

    class Kind(models.TextChoices):
        DIFFICULTY = "difficulty", _("Difficulty in execution")
        DISPUTE = "dispute", _("Disagreement among local residents")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="difficulties")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DIFFICULTY)
    summary = SingleLineCharField(_("summary"), max_length=200)
    details = models.TextField(_("details"))
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)

    # Resolved once by its outcome record; every version is kept and enters the audit chain.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")

    def __str__(self):
        return self.summary


@audited
class DifficultyRecord(models.Model):
    """Append-only: the committee's advice, a coordination meeting and its outcome."""

    class Kind(models.TextChoices):
        ADVICE = "advice", _("Committee advice")
        MEETING = "meeting", _("Coordination meeting")
        OUTCOME = "outcome", _("Outcome (resolved)")

    difficulty = models.ForeignKey(Difficulty, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("record"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("difficulty record")
        verbose_name_plural = _("difficulty records")
        constraints = [
            models.CheckConstraint(name="meeting_has_date", condition=~Q(kind="meeting") | Q(held_on__isnull=False)),
        ]


@audited
class FinalReport(models.Model):
    """Append-only: the published final report that completion requires."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="final_report")
    text = models.TextField(_("final report"))
    final_cost = models.PositiveBigIntegerField(_("final cost (NTD)"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")


def _final_photo_path(instance, filename):
    return f"tracking/{instance.report.project_id}/final/{storage_name(filename)}"


@audited
class FinalReportPhoto(models.Model):
    report = models.ForeignKey(FinalReport, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=_final_photo_path)
    content_type = models.CharField(max_length=100)
    alt_text = SingleLineCharField(_("description of the photo"), max_length=300)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="final_photo_has_alt", condition=~Q(alt_text=""))]


def _report_path(instance, filename):
    return f"tracking/reports/{instance.quarter}/{storage_name(filename)}"


class QuarterlyReport(models.Model):
    """One per (project, quarter): the row is the claim, so a report is built and sent once."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Being built")
        BUILT = "built", _("Built")
        SENT = "sent", _("Sent")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    quarter = models.CharField(_("quarter"), max_length=6)  # "2026Q4": the quarter reported on
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)
    pdf = models.FileField(upload_to=_report_path, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    builds = models.PositiveSmallIntegerField(default=0)  # how often a PDF was committed: must stay 1

    class Meta:
        ordering = ["-quarter", "project_id"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "quarter"], name="report_once_per_quarter"),
            models.CheckConstraint(name="report_quarter_format", condition=Q(quarter__regex=r"^[0-9]{4}Q[1-4]$")),
            models.CheckConstraint(name="report_built_once", condition=Q(builds__lte=1)),
        ]

    def __str__(self):
        return f"{self.project} {self.quarter}"

    def get_absolute_url(self):
        return reverse("tracking:report_pdf", args=[self.pk])


# -- after the vote: the proposers' sign-off, the committee's decisions, councillors' questions -------------
# (docs/decisions.md, "Accountability: sign-off, contacts, questions")

OPEN_CHANGE = ("pending", "consented", "disputed")


class ChangeRequest(models.Model):
    """A change the lead agency proposes; it waits for every proposer's answer (and, when disputed or a
    closure, for the committee's decision at a meeting). Every version is kept and enters the audit chain."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone date or scope")
        BUDGET = "budget", _("Budget beyond the variance limit")
        WITHDRAW = "withdraw", _("Withdrawal")
        CLOSE = "close", _("Early closure")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the proposers")
        CONSENTED = "consented", _("Proposers agree; waiting for the committee")
        DISPUTED = "disputed", _("Disputed: goes to the committee")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected by the committee")
        RETURNED = "returned", _("Returned to the agency")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="change_requests", verbose_name=_("milestone"))
    new_title = SingleLineCharField(_("new title (scope)"), max_length=120, blank=True)
    new_planned_end = models.DateField(_("new planned completion"), null=True, blank=True)
    new_amount = models.PositiveBigIntegerField(_("new approved amount (NTD)"), null=True, blank=True)
    old_value = SingleLineCharField(_("before"), max_length=200, blank=True)  # as it stood when proposed
    reason = models.TextField(_("the agency's reason"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    answer_due = models.DateField(_("proposers answer by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision = models.CharField(_("committee decision"), max_length=10, blank=True)
    decision_reason = models.TextField(_("committee's reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    meeting_item_id = models.PositiveIntegerField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            # One open request per milestone, per project's budget, and one closure or withdrawal at a time.
            models.UniqueConstraint(fields=["milestone"], name="change_open_once_per_milestone",
                                    condition=Q(kind="milestone", status__in=OPEN_CHANGE)),
            models.UniqueConstraint(fields=["project"], name="change_open_budget_once",
                                    condition=Q(kind="budget", status__in=OPEN_CHANGE)),
            models.UniqueConstraint(fields=["project"], name="change_open_closure_once",
                                    condition=Q(kind__in=("withdraw", "close"), status__in=OPEN_CHANGE)),
            models.CheckConstraint(
                name="change_payload_matches_kind",
                condition=(Q(kind="milestone", milestone__isnull=False, new_amount__isnull=True)
                           & (~Q(new_title="") | Q(new_planned_end__isnull=False)))
                | Q(kind="budget", milestone__isnull=True, new_amount__isnull=False)
                | Q(kind__in=("withdraw", "close"), milestone__isnull=True, new_amount__isnull=True),
            ),
            # The committee's decision is recorded at a meeting, with its item.
            models.CheckConstraint(
                name="change_decided_at_meeting",
                condition=Q(decision="") | Q(meeting_item_id__isnull=False, decided_by__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.project}"

    def get_absolute_url(self):
        return reverse("tracking:change", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_CHANGE

    @property
    def is_closure(self):
        return self.kind in (self.Kind.WITHDRAW, self.Kind.CLOSE)


@audited
class ChangeAnswer(models.Model):
    """Append-only: one proposer's answer to a change, given by the proposer or, after the deadline, by the
    district office for a proposer who could not be reached (marked)."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="answers")
    proposer = models.ForeignKey("proposals.ProposalProposer", on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField(_("agrees"))
    reason = models.TextField(_("reason"), blank=True)
    by_office = models.BooleanField(_("answered by the district office"), default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]
        verbose_name = _("answer to a change")
        verbose_name_plural = _("answers to changes")
        constraints = [
            models.UniqueConstraint(fields=["request", "proposer"], name="change_answer_once"),
            models.CheckConstraint(name="change_disagree_has_reason", condition=Q(agrees=True) | ~Q(reason="")),
            models.CheckConstraint(name="change_office_answer_has_reason",
                                   condition=Q(by_office=False) | ~Q(reason="")),
        ]


@audited
class CommitteeNote(models.Model):
    """Append-only: the committee's decision at a meeting on a red flag, an overdue report or an unanswered
    question of a project (disputes, closures and difficulties keep theirs on their own records)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="committee_notes")
    source = models.CharField(max_length=40)  # the agenda source key, e.g. "tracking.flag"
    ref = models.CharField(max_length=60)
    decision = models.CharField(_("decision"), max_length=20)
    reason = models.TextField(_("reason"))
    due = models.DateField(_("follow up by"), null=True, blank=True)
    meeting_item_id = models.PositiveIntegerField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        indexes = [models.Index(fields=["source", "ref"], name="committee_note_ref")]


@audited
class CouncillorQuestion(models.Model):
    """Append-only: a councillor's question on a project of their district, public with its answer."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="questions")
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer_due = models.DateField(_("answer due by"))

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("councillor's question")
        verbose_name_plural = _("councillors' questions")


@audited
class QuestionAnswer(models.Model):
    """Append-only: the lead agency's public answer (one per question)."""

    question = models.OneToOneField(CouncillorQuestion, on_delete=models.PROTECT, related_name="answer")
    text = models.TextField(_("answer"))
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
