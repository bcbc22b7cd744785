"""The population table civil affairs imports, and the cycle evaluation reports built from the records.

A report is built once per (cycle, period): the row is the claim (unique constraint), the builder
locks it and fills it once (`builds` may reach 1, never 2), like tracking's quarterly reports.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField

from . import rules

AGE_BAND_CHOICES = [(b, b) for b in rules.AGE_BANDS]
PERIOD_AFTER_VOTE = "vote"
# "vote", or a quarter of execution such as "2027Q1".
PERIOD_REGEX = r"^(vote|[0-9]{4}Q[1-4])$"


class PopulationFigure(models.Model):
    """Residents of one district in one age band in one year (from the city's open data)."""

    year = models.PositiveSmallIntegerField(_("year"))
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    age_band = models.CharField(_("age band"), max_length=8, choices=AGE_BAND_CHOICES)
    people = models.PositiveIntegerField(_("residents"))
    source = models.ForeignKey("evaluation.PopulationImport", on_delete=models.PROTECT, related_name="figures")

    class Meta:
        ordering = ["year", "district_id", "age_band"]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(fields=["year", "district", "age_band"], name="population_once_per_cell"),
            models.CheckConstraint(name="population_band_known", condition=Q(age_band__in=list(rules.AGE_BANDS))),
        ]


@audited
class PopulationImport(models.Model):
    """Append-only: one population file imported for a year (it replaces that year's figures)."""

    year = models.PositiveSmallIntegerField(_("year"))
    source_name = SingleLineCharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    residents = models.PositiveBigIntegerField(_("residents"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("population import")
        verbose_name_plural = _("population imports")


def _pdf_path(instance, filename):
    import uuid

    return f"evaluation/{instance.cycle_id}/{instance.period}-{uuid.uuid4().hex[:12]}-{filename}"


class EvaluationReport(models.Model):
    class Kind(models.TextChoices):
        AFTER_VOTE = "after_vote", _("After the vote")
        QUARTERLY = "quarterly", _("Quarterly, during execution")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Being built")
        BUILT = "built", pgettext_lazy("report status", "Published")

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="evaluation_reports")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=6)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(_("built on"), null=True, blank=True)
    builds = models.PositiveSmallIntegerField(default=0)  # how often it was filled: must stay 1
    data = models.JSONField(default=dict, blank=True)
    # Every figure's formula in both languages, frozen with the figures: {key: {"zh-hant": …, "en": …}}.
    appendix = models.JSONField(default=dict, blank=True)
    pdf_zh = models.FileField(upload_to=_pdf_path, blank=True)
    pdf_en = models.FileField(upload_to=_pdf_path, blank=True)

    class Meta:
        ordering = ["cycle", "claimed_at", "id"]
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "period"], name="evaluation_report_once_per_period"),
            models.CheckConstraint(name="evaluation_report_period_format", condition=Q(period__regex=PERIOD_REGEX)),
            models.CheckConstraint(
                name="evaluation_report_kind_matches_period",
                condition=(Q(kind="after_vote") & Q(period=PERIOD_AFTER_VOTE))
                | (Q(kind="quarterly") & ~Q(period=PERIOD_AFTER_VOTE))),
            models.CheckConstraint(name="evaluation_report_built_once", condition=Q(builds__lte=1)),
            models.CheckConstraint(name="evaluation_report_built_has_time",
                                   condition=Q(status="claimed") | Q(built_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.period}"

    def get_absolute_url(self):
        return reverse("evaluation:report", args=[self.cycle.year, self.period])
