"""Past elections of other cities, imported from pabulib `.pb` files, and every rule's outcome.

An archived election is read-only once imported: its projects and ballots refuse UPDATE and DELETE
in the database (migration `archived_elections`). Projects and ballots keep every column of the file
(`fields`), so exporting gives back the same file content (docs/decisions.md, "Counting rules").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArchivedElection(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be read")
        RUNNING = "running", _("Being read")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300, help_text=_("Where the file comes from (e.g. pabulib.org)."))
    file_name = models.CharField(_("file name"), max_length=200)
    # The uploaded text's digest (line ends normalised), and once read, the election's: the canonical
    # text's (voting.counting.pabulib.content_sha256), which the platform's export also has.
    file_sha256 = models.CharField(max_length=64)
    content_sha256 = models.CharField(max_length=64, blank=True, default="")
    # The file, kept until it has been read; emptied once imported (the rows then hold it).
    pending_text = models.TextField(blank=True)
    meta = models.JSONField(default=dict)
    project_columns = models.JSONField(default=list)
    vote_columns = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_lines = models.PositiveIntegerField(default=0)
    processed_lines = models.PositiveIntegerField(default=0)
    error = models.CharField(_("why it was refused"), max_length=400, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("archived election")
        verbose_name_plural = _("archived elections")
        constraints = [
            models.UniqueConstraint(
                fields=["file_sha256"],
                condition=Q(status__in=["queued", "running", "done"]),
                name="archived_election_file_once",
            ),
            models.UniqueConstraint(
                fields=["content_sha256"],
                condition=Q(status="done") & ~Q(content_sha256=""),
                name="archived_election_content_once",
            ),
            models.CheckConstraint(
                name="archived_progress_within_total", condition=Q(processed_lines__lte=models.F("total_lines"))
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(100 * self.processed_lines / (self.total_lines or 1))


class ArchivedProject(models.Model):
    """Append-only: one project of an archived election, every column as in the file."""

    election = models.ForeignKey(ArchivedElection, on_delete=models.PROTECT, related_name="projects")
    position = models.PositiveIntegerField()
    project_id = models.CharField(max_length=100)
    fields = models.JSONField()

    class Meta:
        ordering = ["election", "position"]
        constraints = [
            models.UniqueConstraint(fields=["election", "project_id"], name="archived_project_once"),
            models.UniqueConstraint(fields=["election", "position"], name="archived_project_position_once"),
        ]


class ArchivedBallot(models.Model):
    """Append-only: one ballot of an archived election, every column as in the file."""

    election = models.ForeignKey(ArchivedElection, on_delete=models.PROTECT, related_name="ballots")
    position = models.PositiveIntegerField()
    fields = models.JSONField()

    class Meta:
        ordering = ["election", "position"]
        constraints = [
            models.UniqueConstraint(fields=["election", "position"], name="archived_ballot_position_once"),
        ]


class RuleOutcome(models.Model):
    """What one counting rule funds for a closed round or an archived election (the comparison page)."""

    round = models.ForeignKey(
        "voting.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="rule_outcomes"
    )
    election = models.ForeignKey(
        ArchivedElection, null=True, blank=True, on_delete=models.PROTECT, related_name="rule_outcomes"
    )
    rule = models.CharField(_("rule"), max_length=30)
    selected = models.JSONField(default=list)  # project ids (archive) or proposal ids (round), in order
    cost = models.CharField(max_length=60)  # exact (a Fraction as text)
    budget = models.CharField(max_length=60)
    voters_served = models.PositiveIntegerField()
    voters = models.PositiveIntegerField()
    seconds = models.FloatField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="rule_outcome_one_subject", condition=Q(round__isnull=True) ^ Q(election__isnull=True)
            ),
            models.UniqueConstraint(
                fields=["round", "rule"], condition=Q(round__isnull=False), name="rule_outcome_once_per_round"
            ),
            models.UniqueConstraint(
                fields=["election", "rule"], condition=Q(election__isnull=False), name="rule_outcome_once_per_election"
            ),
        ]
