"""Voters and how they are verified; no raw national ID is ever stored (docs/decisions.md, "Voting: eligibility")."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.systext import SystemTextCharField


class Voter(models.Model):
    """One person's voter registration in one cycle, keyed by an HMAC of their ID number."""

    class Basis(models.TextChoices):
        HOUSEHOLD = "household", _("Household registered in Taipei")
        STUDY = "study", _("Studies in Taipei")
        WORK = "work", _("Works in Taipei")
        LIVE = "live", _("Lives in Taipei")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class VerifiedVia(models.TextChoices):
        ONLINE = "online", _("Online, against the household register")
        IN_PERSON = "in_person", _("In person at a district office")
        BLANK = "", _("Not yet")

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voter_records")
    id_hmac = models.CharField(max_length=64)
    birth_date = models.DateField(_("date of birth"))
    district = models.ForeignKey(
        "pbcity.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("district"),
        help_text=_("The household district if registered there, else where one studies, works or lives."),
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    verified_via = models.CharField(_("verified via"), max_length=10, choices=VerifiedVia.choices, blank=True,
                                    default="")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    decision_reason = SystemTextCharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="voter_one_per_user_per_cycle"),
            models.UniqueConstraint(fields=["cycle", "id_hmac"], name="voter_one_per_person_per_cycle"),
            models.CheckConstraint(name="voter_hmac_is_hex64", condition=Q(id_hmac__regex=r"^[0-9a-f]{64}$")),
            models.CheckConstraint(
                name="voter_verified_has_how",
                condition=~Q(status="verified") | (~Q(verified_via="") & Q(verified_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.cycle.year})"


def _document_path(instance, filename):
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"voters/{instance.voter.cycle_id}/{uuid.uuid4().hex}.{ext}"


class VoterDocument(models.Model):
    """A proof uploaded for in-person verification (student card, work or residence proof).

    Only district-office staff of the voter's district see it (docs/decisions.md, "Voting: eligibility").
    """

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("voter document")
        verbose_name_plural = _("voter documents")


class RegisterImport(models.Model):
    """One household-register file imported by civil affairs: progress and rejected rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="register_imports")
    file = models.FileField(upload_to="register-imports/")
    original_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    accepted_rows = models.PositiveIntegerField(default=0)
    matched_voters = models.PositiveIntegerField(default=0)
    # [{"line": n, "reason": "..."}]: never the row's content, which is a keyed ID anyway.
    rejected = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("household-register import")
        verbose_name_plural = _("household-register imports")

    @property
    def rejected_count(self):
        """Every row not imported (the report lists the first ones with their reasons)."""
        return max(self.processed_rows - self.accepted_rows, 0)

    @property
    def percent(self):
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else (
            100 if self.status == self.Status.DONE else 0)


class RegisterEntry(models.Model):
    """A household-register row: a keyed ID (the same HMAC as Voter.id_hmac), birth date and district."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(RegisterImport, on_delete=models.PROTECT, related_name="entries")
    id_hmac = models.CharField(max_length=64)
    birth_date = models.DateField()
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("household-register entry")
        verbose_name_plural = _("household-register entries")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "id_hmac"], name="register_entry_unique"),
            models.CheckConstraint(name="register_hmac_is_hex64", condition=Q(id_hmac__regex=r"^[0-9a-f]{64}$")),
        ]


@audited
class VoterDecision(models.Model):
    """Append-only: each change of a voter's status, who made it (null for the online match) and why."""

    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="decisions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    old_status = models.CharField(max_length=10, choices=Voter.Status.choices)
    new_status = models.CharField(max_length=10, choices=Voter.Status.choices)
    via = models.CharField(max_length=10, choices=Voter.VerifiedVia.choices, blank=True)
    reason = SystemTextCharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("voter decision")
        verbose_name_plural = _("voter decisions")
