"""Citizen cards earned by cumulative course hours (3 / 6 / 9)."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.fields import SingleLineCharField


class CardLevel(models.TextChoices):
    BASIC = "basic", _("Basic citizen card")
    ADVANCED = "advanced", _("Advanced citizen card")
    DELIBERATION = "deliberation", _("Deliberation card")


# Lowest first; the hours of DESIGN.md rule 10.
LEVEL_ORDER = [CardLevel.BASIC, CardLevel.ADVANCED, CardLevel.DELIBERATION]
THRESHOLDS = {CardLevel.BASIC: Decimal("3"), CardLevel.ADVANCED: Decimal("6"), CardLevel.DELIBERATION: Decimal("9")}


def level_rank(level) -> int:
    return LEVEL_ORDER.index(level)


class CitizenCard(models.Model):
    class RevokedKind(models.TextChoices):
        STAFF = "staff", _("Revoked by staff")
        CORRECTION = "correction", _("Attendance corrected below the threshold")

    number = SingleLineCharField(_("card number"), max_length=20, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="citizen_cards", verbose_name=_("holder")
    )
    level = models.CharField(_("level"), max_length=12, choices=CardLevel.choices)
    issued_on = models.DateField(_("issue date"))
    hours_at_issue = models.DecimalField(_("hours at issue"), max_digits=5, decimal_places=1)
    verification_code = SingleLineCharField(_("verification code"), max_length=32, unique=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_kind = models.CharField(_("revocation kind"), max_length=12, choices=RevokedKind.choices, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["holder_id", "issued_on", "id"]
        verbose_name = _("citizen card")
        verbose_name_plural = _("citizen cards")
        constraints = [
            # Exactly one card per person and level, even when two attendance saves race.
            models.UniqueConstraint(fields=["holder", "level"], name="card_once_per_holder_level"),
            models.CheckConstraint(
                name="card_revocation_complete",
                condition=(Q(revoked_at__isnull=True) & Q(revoked_kind="") & Q(revoke_reason=""))
                | (Q(revoked_at__isnull=False) & ~Q(revoked_kind="") & ~Q(revoke_reason="")),
            ),
            models.CheckConstraint(name="card_hours_non_negative", condition=Q(hours_at_issue__gte=0)),
        ]

    def __str__(self):
        return f"{self.number} · {self.get_level_display()} · {self.holder}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def get_absolute_url(self):
        return reverse("training:card", args=[self.number])

    def get_verify_url(self):
        return reverse("training:verify", args=[self.verification_code])
