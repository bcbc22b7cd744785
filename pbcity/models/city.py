"""The city's reference data: districts, agencies and the yearly cycle with its knobs."""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineCharField


class District(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = SingleLineCharField(_("official name"), max_length=50)
    name_en = SingleLineCharField(_("English name"), max_length=50)
    eligible_population = models.PositiveIntegerField(_("eligible population"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("City bureau")
        DISTRICT_OFFICE = "district_office", _("District office")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = SingleLineCharField(_("official name"), max_length=80)
    name_en = SingleLineCharField(_("English name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("district")
    )

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                name="district_office_has_district",
                condition=Q(kind="bureau", district__isnull=True) | Q(kind="district_office", district__isnull=False),
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name


class Cycle(models.Model):
    """One year's PB cycle and the knobs the later stages read."""

    class ThresholdRule(models.TextChoices):
        FIXED = "fixed", _("A fixed number of votes")
        PERMILLE = "permille", _("Per mille of the district's eligible population")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = SingleLineCharField(_("official name"), max_length=100)
    name_en = SingleLineCharField(_("English name"), max_length=100, blank=True)
    assembly_top_k = models.PositiveSmallIntegerField(
        _("assembly top K"), default=3, help_text=_("A proposal must rank within the top K of its assembly (2 or 3).")
    )
    vote_threshold_rule = models.CharField(
        _("vote threshold rule"), max_length=10, choices=ThresholdRule.choices, default=ThresholdRule.FIXED
    )
    vote_threshold_value = models.PositiveIntegerField(
        _("vote threshold value"), default=1000,
        help_text=_("Votes a proposal must exceed, or per mille of eligible population."),
    )
    default_admission_cap = models.PositiveSmallIntegerField(_("admission cap per district"), default=5)
    ballot_size = models.PositiveSmallIntegerField(_("votes per voter"), default=5)
    panel_allowance_ntd = models.PositiveIntegerField(_("review-panel allowance (NTD)"), default=120)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            models.CheckConstraint(name="cycle_top_k_2_or_3", condition=Q(assembly_top_k__in=[2, 3])),
            models.CheckConstraint(name="cycle_ballot_size_positive", condition=Q(ballot_size__gte=1)),
            models.CheckConstraint(name="cycle_admission_cap_positive", condition=Q(default_admission_cap__gte=1)),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language; an English page never shows the Chinese official name."""
        if (get_language() or "").startswith("en"):
            return self.name_en or f"Participatory budgeting {self.year}"
        return self.name


class CyclePhase(models.Model):
    """A dated phase of the SOP calendar."""

    class Phase(models.TextChoices):
        TRAINING = "training", _("Training courses")
        ASSEMBLIES = "assemblies", _("Resident assemblies")
        PRE_MEETING = "pre_meeting", _("Pre-meetings")
        WORKSHOP_1 = "workshop_1", _("Review workshop, stage 1: discussion")
        WORKSHOP_2 = "workshop_2", _("Review workshop, stage 2: citizen review panel")
        EXHIBITION = "exhibition", _("Public exhibition")
        VOTING = "voting", _("i-Voting")
        BUDGETING = "budgeting", _("Budget planning")
        EXECUTION = "execution", _("Execution and tracking")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "phase"], name="cycle_phase_unique"),
            models.CheckConstraint(name="phase_ends_after_start", condition=Q(ends_on__gte=F("starts_on"))),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.get_phase_display()}"


class DistrictQuota(models.Model):
    """A district's own vote threshold and admission cap in a cycle, when it differs from the default."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="quotas")
    district = models.ForeignKey(District, on_delete=models.PROTECT)
    admission_cap = models.PositiveSmallIntegerField(_("admission cap"))
    vote_threshold = models.PositiveIntegerField(_("vote threshold"), null=True, blank=True)

    class Meta:
        verbose_name = _("district quota")
        verbose_name_plural = _("district quotas")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "district"], name="quota_unique"),
            models.CheckConstraint(name="quota_cap_positive", condition=Q(admission_cap__gte=1)),
        ]
