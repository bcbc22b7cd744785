"""Workshop stage 1 (提案討論): sessions, agency opinions, expert suggestions."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField

from .base import AppendOnlyModel

__all__ = ["AgencyOpinion", "ExpertSuggestion", "WorkshopSession"]


class WorkshopSession(models.Model):
    """A stage-1 discussion session of a district's review workshop, in a place or online."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="workshop_sessions",
                              verbose_name=_("cycle"))
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="workshop_sessions",
                                 verbose_name=_("district"))
    starts_at = models.DateTimeField(_("starts at"))
    venue = SingleLineCharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    experts = models.ManyToManyField("training.Expert", blank=True, related_name="workshop_sessions",
                                     verbose_name=_("invited experts"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[experts])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("stage-1 session")
        verbose_name_plural = _("stage-1 sessions")
        constraints = [
            models.CheckConstraint(name="workshop_session_place_or_link", condition=~Q(venue="") | ~Q(online_url="")),
        ]

    def __str__(self):
        return f"{self.district} {self.starts_at:%Y-%m-%d}"


@audited
class AgencyOpinion(AppendOnlyModel):
    """A designated agency's opinion on a proposal at stage 1. A later one supersedes, both stay."""

    class Verdict(models.TextChoices):
        FEASIBLE = "feasible", _("Feasible")
        WITH_CHANGES = "with_changes", _("Feasible with changes")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")

    session = models.ForeignKey(WorkshopSession, on_delete=models.PROTECT, related_name="opinions")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="agency_opinions")
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    verdict = models.CharField(_("opinion"), max_length=14, choices=Verdict.choices)
    reasons = models.TextField(_("reasons"))
    alternatives = models.TextField(_("alternatives"), blank=True)
    cost_estimate = models.PositiveBigIntegerField(_("cost estimate (NTD)"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("agency opinion")
        verbose_name_plural = _("agency opinions")


@audited
class ExpertSuggestion(AppendOnlyModel):
    """An invited expert's revision suggestion, entered by the expert's host district office."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.PROTECT, related_name="suggestions")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="expert_suggestions")
    expert = models.ForeignKey("training.Expert", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("expert"))
    suggestion = models.TextField(_("suggestion"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("expert suggestion")
        verbose_name_plural = _("expert suggestions")
