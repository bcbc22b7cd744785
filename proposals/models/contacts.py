"""Who the city talks to about a proposal, and the proposers flagged as no longer taking part
(docs/decisions.md, "Accountability: sign-off, contacts, questions")."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField


@audited
class ProposalContact(models.Model):
    """Append-only: the proposal's contact from this record on (the latest one is current). A resident who is
    not a proposer becomes the contact only with the district office's consent (`consented_by`)."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="contacts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("contact"))
    is_proposer = models.BooleanField(_("a proposer of the proposal"))
    reason = models.TextField(_("why"))
    consented_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("consent of the district office"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("proposal contact")
        verbose_name_plural = _("proposal contacts")
        constraints = [
            models.CheckConstraint(name="contact_resident_needs_office",
                                   condition=Q(is_proposer=True) | Q(consented_by__isnull=False)),
        ]


@audited(sealed_by="resolved_at")
class OrphanFlag(models.Model):
    """A proposer who has not answered or attended for the configured time, flagged to the district office.
    Open until a contact change (or the proposer's return) resolves it; sealed from then on."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="orphan_flags")
    proposer = models.ForeignKey("proposals.ProposalProposer", on_delete=models.PROTECT, related_name="orphan_flags")
    last_activity_at = models.DateTimeField(_("last taking part"))
    flagged_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    resolution = SingleLineCharField(_("how it was resolved"), max_length=200, blank=True)

    class Meta:
        ordering = ["flagged_at", "id"]
        verbose_name = _("orphaned-proposal flag")
        verbose_name_plural = _("orphaned-proposal flags")
        constraints = [
            models.UniqueConstraint(fields=["proposer"], condition=Q(resolved_at__isnull=True),
                                    name="orphan_flag_open_once"),
        ]
