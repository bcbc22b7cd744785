"""The consultation desk: slots at a district office (or online) where staff help write a proposal."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineCharField


class ConsultationSlot(models.Model):
    district = models.ForeignKey(
        "pbcity.District", on_delete=models.PROTECT, related_name="consultation_slots", verbose_name=_("district")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = SingleLineCharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("consultation slot")
        verbose_name_plural = _("consultation slots")
        constraints = [
            models.CheckConstraint(name="slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(name="slot_has_place_or_link", condition=~Q(place="") | ~Q(online_url="")),
        ]

    def __str__(self):
        return f"{self.district} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Consultation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        DONE = "done", _("Advice recorded")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(ConsultationSlot, on_delete=models.PROTECT, related_name="consultations")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("resident")
    )
    topic = models.TextField(_("what you would like help with"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(auto_now_add=True)
    advice = models.TextField(_("advice given"), blank=True)
    advised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("advised by"),
    )
    advised_at = models.DateTimeField(null=True, blank=True)
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("draft proposal"),
    )

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            # One resident per slot; a cancelled booking frees it.
            models.UniqueConstraint(fields=["slot"], condition=~Q(status="cancelled"),
                                    name="consultation_one_per_slot"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.slot}"
