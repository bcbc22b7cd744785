"""The city's villages (里) and district outlines, and the audited record of every place set or corrected.

Boundaries are GeoJSON in a JSONField, computed on with shapely (places/geometry.py); no PostGIS.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField

COORD = {"max_digits": 9, "decimal_places": 6}


class Village(models.Model):
    """A village (里) as the Ministry of the Interior publishes it (VILLCODE, names, boundary)."""

    code = models.CharField(_("village code"), max_length=20, unique=True)
    name = SingleLineCharField(_("official name"), max_length=50)
    name_en = SingleLineCharField(_("English name"), max_length=80)
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="villages",
                                 verbose_name=_("district"))
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    centroid_lon = models.DecimalField(_("centroid longitude"), **COORD)
    centroid_lat = models.DecimalField(_("centroid latitude"), **COORD)
    # The bounding box, so a map or a search can skip villages far away without reading their outline.
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["district_id", "code"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class DistrictArea(models.Model):
    """A district's outline: the union of its villages, computed when they are loaded."""

    district = models.OneToOneField("pbcity.District", on_delete=models.CASCADE, related_name="area")
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    centroid_lon = models.DecimalField(_("centroid longitude"), **COORD)
    centroid_lat = models.DecimalField(_("centroid latitude"), **COORD)

    class Meta:
        verbose_name = _("district outline")
        verbose_name_plural = _("district outlines")


@audited
class PlaceChange(models.Model):
    """Append-only: every place given or corrected on a proposal or a project, by whom and why.

    The proposal and project rows keep only the current place (their history tables are sealed on the
    audit chain and cannot grow a column, docs/decisions.md "Places"); this is the place's trail.
    """

    class Subject(models.TextChoices):
        PROPOSAL = "proposal", _("A proposal")
        PROJECT = "project", _("A project")

    subject = models.CharField(_("placed item"), max_length=10, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField(_("placed item id"))
    village = models.ForeignKey(Village, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("village"))
    lon = models.DecimalField(_("longitude"), null=True, blank=True, **COORD)
    lat = models.DecimalField(_("latitude"), null=True, blank=True, **COORD)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("place change")
        verbose_name_plural = _("place changes")
        indexes = [models.Index(fields=["subject", "subject_id"])]
        constraints = [
            models.CheckConstraint(name="placechange_point_whole",
                                   condition=Q(lon__isnull=True, lat__isnull=True) | Q(lon__isnull=False,
                                                                                         lat__isnull=False)),
        ]
