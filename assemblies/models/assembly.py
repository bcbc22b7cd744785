"""A resident assembly (住民大會) and its tables."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.fields import SingleLineCharField


class Assembly(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned: pre-registration open")
        OPEN = "open", _("In session: sign-in and table discussion")
        VOTING = "voting", _("Voting")
        CLOSED = "closed", _("Closed: results recorded")

    class VoteMethod(models.TextChoices):
        PHONE = "phone", _("On attendees' phones with their sign-in code")
        PAPER = "paper", _("Paper ballots or show of hands, counted by staff")

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="assemblies",
                              verbose_name=_("cycle"))
    district = models.ForeignKey(
        "pbcity.District", on_delete=models.PROTECT, related_name="assemblies", verbose_name=_("district")
    )
    title = SingleLineCharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("date and time"))
    venue = SingleLineCharField(_("venue"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    top_k = models.PositiveSmallIntegerField(
        _("top K"), default=3, choices=[(2, "2"), (3, "3")],
        help_text=_("A proposal must rank within the top K of this assembly (2 or 3)."),
    )
    votes_per_attendee = models.PositiveSmallIntegerField(_("votes per attendee"), default=2)
    vote_method = models.CharField(_("how people vote"), max_length=10, choices=VoteMethod.choices,
                                   default=VoteMethod.PHONE)
    district_features = models.TextField(
        _("the district's features"), blank=True,
        help_text=_("Presented before the discussion starts, with the district's past successful proposals."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True)
    # Fixed when voting opens: the "attendees present" of the pass rule.
    present_at_vote = models.PositiveIntegerField(_("attendees present when voting opened"), null=True, blank=True)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The tie lot's commitment, published when voting opens; the seed is revealed when it closes
    # (pbcity/lot.py; docs/decisions.md, "Cycle kit"). Blank on assemblies voted before it existed.
    lot_nonce = models.CharField(max_length=32, blank=True)
    lot_commitment = models.CharField(_("tie-lot commitment (SHA-256)"), max_length=64, blank=True)
    lot_seed = models.CharField(_("tie-lot seed"), max_length=64, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed the plan (K, votes per attendee, …) or the status, when, why, and the old values.
    # The tie lot's fields are not copied: historical rows are on the audit chain, and a new column would
    # change the content hash of every sealed row.
    history = HistoricalRecords(excluded_fields=["created_at", "lot_nonce", "lot_commitment", "lot_seed"])

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("resident assembly")
        verbose_name_plural = _("resident assemblies")
        constraints = [
            models.CheckConstraint(name="assembly_top_k_2_or_3", condition=Q(top_k__in=[2, 3])),
            models.CheckConstraint(name="assembly_votes_positive", condition=Q(votes_per_attendee__gte=1)),
            models.CheckConstraint(name="assembly_has_place", condition=~Q(venue="") | ~Q(online_url="")),
            models.CheckConstraint(
                name="assembly_present_frozen_when_voting",
                condition=Q(status__in=["planned", "open"], present_at_vote__isnull=True)
                | Q(status__in=["voting", "closed"], present_at_vote__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assemblies:detail", args=[self.pk])

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)


class Table(models.Model):
    """A discussion table, guided by a table lead and a recorder who both hold a deliberation card."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("table number"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("table lead"))
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("recorder"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "number"], name="table_number_unique"),
            models.UniqueConstraint(fields=["assembly", "lead"], name="table_lead_once"),
            models.UniqueConstraint(fields=["assembly", "recorder"], name="table_recorder_once"),
            models.CheckConstraint(name="table_lead_is_not_recorder", condition=~Q(lead=F("recorder"))),
        ]

    def __str__(self):
        return str(_("Table %(n)s") % {"n": self.number})
