"""Pre-meeting (會前會), designation contests, agency contact log, designation principles, side tracks."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField

from .base import AppendOnlyModel

__all__ = [
    "AgencyContact", "AssessmentReport", "ContestDecision", "DesignationContest", "DesignationPrinciples",
    "DirectExecutionStatement", "ExclusionCategory", "ExclusionRecord", "PreMeeting",
]


class DesignationPrinciples(models.Model):
    """The city's designation principles for a cycle (the yearly agency consensus meeting's document)."""

    cycle = models.OneToOneField("pbcity.Cycle", on_delete=models.PROTECT, related_name="designation_principles",
                                 verbose_name=_("cycle"))
    agreed_on = models.DateField(_("agreed at the consensus meeting on"), null=True, blank=True)
    text = models.TextField(_("principles"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("designation principles")
        verbose_name_plural = _("designation principles")

    def __str__(self):
        return str(self.cycle)


class PreMeeting(models.Model):
    """One pre-meeting per district and cycle, run by that district's office."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="premeetings",
                              verbose_name=_("cycle"))
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="premeetings",
                                 verbose_name=_("district"))
    held_on = models.DateField(_("date"))
    venue = SingleLineCharField(_("place"), max_length=200)
    attending_agencies = models.ManyToManyField("pbcity.Agency", blank=True, related_name="premeetings_attended",
                                                verbose_name=_("agencies present"))
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attending_agencies])

    class Meta:
        ordering = ["-cycle__year", "district_id"]
        verbose_name = _("pre-meeting")
        verbose_name_plural = _("pre-meetings")
        constraints = [models.UniqueConstraint(fields=["cycle", "district"], name="premeeting_one_per_district")]

    def __str__(self):
        return f"{self.cycle.year} {self.district}"


@audited
class DesignationContest(AppendOnlyModel):
    """An agency contests its designation (as lead or co-agency) with a reason."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="designation_contests")
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("designation contest")
        verbose_name_plural = _("designation contests")


@audited
class ContestDecision(AppendOnlyModel):
    """The district office's decision on a contest: designation kept, or changed to the agencies named."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Designation kept")
        CHANGED = "changed", _("Designation changed")

    contest = models.OneToOneField(DesignationContest, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    old_lead = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+")
    old_co_agencies = SingleLineCharField(max_length=500, blank=True, help_text="Agency codes, comma-separated.")
    new_lead = models.ForeignKey("pbcity.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_co_agencies = SingleLineCharField(max_length=500, blank=True, help_text="Agency codes, comma-separated.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contest decision")
        verbose_name_plural = _("contest decisions")
        constraints = [
            models.CheckConstraint(
                name="contest_changed_names_lead",
                condition=Q(outcome="kept", new_lead__isnull=True) | Q(outcome="changed", new_lead__isnull=False),
            )
        ]


@audited
class AgencyContact(AppendOnlyModel):
    """An agency's contact with the proposers before the workshop."""

    class Way(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        IN_PERSON = "in_person", _("In person")
        SITE_VISIT = "site_visit", _("Site visit")
        ONLINE = "online", _("Online meeting")
        OTHER = "other", _("Other")

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="agency_contacts")
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    contacted_on = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=12, choices=Way.choices)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contacted_on", "id"]
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")


@audited
class DirectExecutionStatement(AppendOnlyModel):
    """The lead agency's statement recorded with its agreement to direct execution."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT,
                                 related_name="direct_execution_statements")
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    budget_covers = models.BooleanField(_("this year's budget covers it"))
    finishable_this_year = models.BooleanField(_("it can be finished this year"))
    budget_line = SingleLineCharField(_("budget line"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("direct-execution statement")
        verbose_name_plural = _("direct-execution statements")


@audited
class AssessmentReport(AppendOnlyModel):
    """The lead agency's city-wide assessment report (due 31 August of the cycle year)."""

    class Outcome(models.TextChoices):
        EXECUTE = "execute", _("Execute")
        CLOSE = "close", _("Close without execution")

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="assessment_reports")
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    findings = models.TextField(_("findings"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("assessment report")
        verbose_name_plural = _("assessment reports")
        constraints = [models.UniqueConstraint(fields=["proposal"], name="assessment_report_once")]


class ExclusionCategory(models.Model):
    """A category that may not be a PB proposal in this cycle, kept by civil affairs."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="exclusion_categories",
                              verbose_name=_("cycle"))
    name = SingleLineCharField(_("name (Chinese)"), max_length=80)
    name_en = SingleLineCharField(_("name (English)"), max_length=120)
    explanation = models.TextField(_("explanation shown to proposers"))
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("exclusion category")
        verbose_name_plural = _("exclusion categories")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="exclusion_category_unique")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name


@audited
class ExclusionRecord(AppendOnlyModel):
    """Why a proposal was excluded: the category chosen and the reason given."""

    proposal = models.OneToOneField("proposals.Proposal", on_delete=models.PROTECT, related_name="exclusion_record")
    category = models.ForeignKey(ExclusionCategory, on_delete=models.PROTECT, related_name="records",
                                 verbose_name=_("exclusion category"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exclusion record")
        verbose_name_plural = _("exclusion records")
