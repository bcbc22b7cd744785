"""Proposals raised at an assembly, the votes on them, staff hand counts and the lot at rank K."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.audit import audited


@audited(sealed_by="passed")  # its result columns are final once the vote closes
class AssemblyProposal(models.Model):
    """A proposal raised at this assembly; the result columns are filled when the vote closes."""

    assembly = models.ForeignKey("assemblies.Assembly", on_delete=models.CASCADE, related_name="items")
    proposal = models.OneToOneField("proposals.Proposal", on_delete=models.PROTECT, related_name="assembly_item")
    table = models.ForeignKey("assemblies.Table", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="items", verbose_name=_("table"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    has_majority = models.BooleanField(_("more than half of those present"), null=True, blank=True)
    in_lot = models.BooleanField(_("tied at rank K, settled by lot"), default=False)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("proposal at the assembly")
        verbose_name_plural = _("proposals at the assembly")
        constraints = [
            models.CheckConstraint(
                name="item_passes_only_with_majority",
                condition=~Q(passed=True) | Q(has_majority=True),
            ),
        ]

    def __str__(self):
        return self.proposal.title


@audited
class Vote(models.Model):
    attendee = models.ForeignKey("assemblies.Attendee", on_delete=models.PROTECT, related_name="votes")
    item = models.ForeignKey(AssemblyProposal, on_delete=models.PROTECT, related_name="ballots")
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["attendee", "item"], name="one_vote_per_attendee_per_proposal")]


class HandCount(models.Model):
    """A paper or show-of-hands count entered by one staff member and confirmed by another."""

    item = models.OneToOneField(AssemblyProposal, on_delete=models.CASCADE, related_name="hand_count")
    votes = models.PositiveIntegerField(_("votes"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A corrected count keeps who entered the old one, when, and why it was corrected.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hand count")
        verbose_name_plural = _("hand counts")
        constraints = [
            models.CheckConstraint(name="hand_count_four_eyes",
                                   condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("entered_by"))),
        ]


@audited
class TieBreak(models.Model):
    """The lot drawn when proposals tie across rank K: who drew it, among whom, and the drawn order."""

    assembly = models.OneToOneField("assemblies.Assembly", on_delete=models.CASCADE, related_name="tie_break")
    votes = models.PositiveIntegerField(_("votes of the tied proposals"))
    slots = models.PositiveSmallIntegerField(_("places left within the top K"))
    # Proposal ids in the order drawn; the first `slots` pass.
    drawn_order = models.JSONField()
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lot at rank K")
        verbose_name_plural = _("lots at rank K")
        constraints = [models.CheckConstraint(name="tie_break_slots_positive", condition=Q(slots__gte=1))]
