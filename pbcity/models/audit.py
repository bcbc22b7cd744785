"""The hash chain over the audit records (docs/decisions.md, "Audit chain"; docs/security.md).

An entry is written by application code in the same transaction as its audit row (unsealed: no
position yet); a short separate step seals pending entries in order, giving each a position and
linking it to the previous entry's hash. A row inserted by raw SQL has no entry and shows as forged.
"""
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    table = models.CharField(_("audit table"), max_length=100)  # the model label, e.g. "proposals.transitionlog"
    row_pk = models.CharField(_("record id"), max_length=64)
    content_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)
    # Filled once by the sealer; a PostgreSQL trigger refuses any other change (pbcity.audit.dbsetup).
    position = models.PositiveBigIntegerField(_("position"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(pgettext_lazy("audit chain", "hash"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("audit chain entry")
        verbose_name_plural = _("audit chain entries")
        constraints = [
            models.UniqueConstraint(fields=["table", "row_pk"], name="audit_entry_once_per_row"),
            models.CheckConstraint(
                name="audit_entry_sealed_complete",
                condition=(Q(position__isnull=True) & Q(entry_hash="") & Q(prev_hash="") & Q(sealed_at__isnull=True))
                | (Q(position__isnull=False) & ~Q(entry_hash="") & ~Q(prev_hash="") & Q(sealed_at__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["position"], name="audit_entry_unsealed", condition=Q(position__isnull=True))]

    def __str__(self):
        return f"{self.position or '…'} {self.table}:{self.row_pk}"


class AuditDailyHead(models.Model):
    """The chain's head at the end of a day, kept (append-only) and e-mailed to the committee."""

    day = models.DateField(_("day"), unique=True)
    position = models.PositiveBigIntegerField(_("position"))
    entry_hash = models.CharField(pgettext_lazy("audit chain", "hash"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))
    kept_at = models.DateTimeField(_("kept at"), default=timezone.now)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily chain head")
        verbose_name_plural = _("daily chain heads")

    def __str__(self):
        return f"{self.day} {self.position} {self.entry_hash[:16]}"


class AuditWitness(models.Model):
    """The chain's head as it was copied outside the database: every few minutes while a vote is open,
    daily otherwise (published at /audit/heads.txt and on the board pages, appended to a file under
    AUDIT_WITNESS_DIR, e-mailed to the committee). Append-only: a witnessed head is never taken back."""

    position = models.PositiveBigIntegerField(_("position"))
    entry_hash = models.CharField(pgettext_lazy("audit chain", "hash"), max_length=64)
    witnessed_at = models.DateTimeField(_("witnessed at"), default=timezone.now)
    during_vote = models.BooleanField(_("during a vote"), default=False)
    emailed = models.BooleanField(_("e-mailed to the committee"), default=False)

    class Meta:
        ordering = ["-witnessed_at", "-id"]
        verbose_name = _("witnessed chain head")
        verbose_name_plural = _("witnessed chain heads")

    def __str__(self):
        return f"{self.witnessed_at:%Y-%m-%d %H:%M} {self.position} {self.entry_hash[:16]}"


class VerificationRun(models.Model):
    """One scheduled verification (audit chain and its invariants, or the ballot boards) and what it found.
    Append-only, so a failure once recorded stays on record even if the next run is made to pass."""

    class Kind(models.TextChoices):
        AUDIT = "audit", _("Audit trail")
        BALLOTS = "ballots", _("Ballot boards")

    kind = models.CharField(_("what was verified"), max_length=10, choices=Kind.choices)
    ran_at = models.DateTimeField(_("verified at"), default=timezone.now)
    ok = models.BooleanField(_("verifies"))
    head_position = models.PositiveBigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)
    # [{"check", "ref", "detail", "subject"}, …] (pbcity.audit.invariants.Problem), at most MAX_PROBLEMS.
    problems = models.JSONField(default=list, blank=True)
    alerted = models.BooleanField(_("committee alerted"), default=False)

    MAX_PROBLEMS = 200

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("verification run")
        verbose_name_plural = _("verification runs")
        indexes = [models.Index(fields=["kind", "-ran_at"], name="verification_latest")]

    def __str__(self):
        return f"{self.kind} {self.ran_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAILED'}"

    @property
    def subjects(self) -> set[str]:
        return {p.get("subject") for p in self.problems if p.get("subject")}
