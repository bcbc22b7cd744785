"""What is recorded around a proposal: its proposers and their consents, revisions, files, transitions."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField
from pbcity.systext import SystemTextField
from pbcity.uploads import storage_name
from proposals.states import ConsentKind, State


class ProposalProposer(models.Model):
    """A proposer. Walk-ins at an assembly may have no account yet: name and contact are kept."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="proposers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals_raised"
    )
    name = SingleLineCharField(_("name"), max_length=100)
    contact = SingleLineCharField(_("contact"), max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], condition=models.Q(user__isnull=False), name="proposer_once_per_proposal"
            )
        ]

    def __str__(self):
        return self.name

    def has_consented(self, kind) -> bool:
        """The proposer's latest word on `kind` is yes. Uses prefetched consents when present."""
        latest = None
        for c in self.consents.all():
            if c.kind == kind and (latest is None or (c.recorded_at, c.pk) > (latest.recorded_at, latest.pk)):
                latest = c
        return bool(latest and latest.given)


@audited
class Consent(models.Model):
    """Append-only: a later record supersedes an earlier one, and both stay."""

    proposer = models.ForeignKey(ProposalProposer, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=20, choices=ConsentKind.choices)
    given = models.BooleanField(_("consents"))
    note = SingleLineCharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")


class ProposalRevision(models.Model):
    """A snapshot of the proposal text; revision 1 is the text as raised."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = SingleLineCharField(max_length=120)
    problem = models.TextField()
    solution = models.TextField()
    location = SingleLineCharField(max_length=200, blank=True)
    estimated_cost = models.PositiveBigIntegerField(null=True, blank=True)
    note = SingleLineCharField(_("what changed and why"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="revision_number_unique")]


def _attachment_path(instance, filename):
    # An unguessable name: files are served only through the proposal's view (docs/decisions.md).
    return f"proposals/{instance.proposal_id}/{storage_name(filename)}"


class Attachment(models.Model):
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = SingleLineCharField(_("file name"), max_length=200)
    content_type = SingleLineCharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Transition log entries cannot be changed.")

    def delete(self):
        raise PermissionError("Transition log entries cannot be deleted.")


@audited
class TransitionLog(models.Model):
    """Append-only record of every lifecycle transition (who, when, from, to, why).

    Python refuses updates and deletes; on PostgreSQL a trigger refuses them too (migration 0002).
    """

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="transitions")
    transition = SingleLineCharField(max_length=40)
    from_state = models.CharField(max_length=30, choices=State.choices)
    to_state = models.CharField(max_length=30, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = SystemTextField(_("reason"))  # typed, or written by the platform as a code (pbcity/systext.py)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Transition log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Transition log entries cannot be deleted.")
