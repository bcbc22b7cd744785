"""Residents' comments on exhibited proposals, abuse reports and the moderation record."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.audit import audited


class Comment(models.Model):
    """A resident's comment on a proposal on exhibition; `parent` makes a thread of replies."""

    class Format(models.TextChoices):
        PLAIN = "plain", _("Plain text")
        RICH = "rich", _("Formatted text")

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="exhibition_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    body_format = models.CharField(_("format"), max_length=5, choices=Format.choices, default=Format.PLAIN)
    # `body` is what the author typed; `body_html` is what pages show (escaped or sanitised by nh3).
    body = models.TextField(_("comment"))
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Moderation state; every change is a CommentModeration row (who, when, why, old value).
    hidden = models.BooleanField(default=False)
    # Moderation changes `hidden`: every version is kept, and the history enters the audit chain.
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(name="comment_not_own_parent", condition=~Q(parent=F("id"))),
        ]

    def __str__(self):
        return self.body[:40]


@audited
class CommentReport(models.Model):
    """A resident reports a comment as abusive; one report per person per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once")]


@audited
class CommentModeration(models.Model):
    """Append-only: district-office staff hid, restored or kept a comment, with the reason."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        KEEP = "keep", _("Reports dismissed, kept visible")

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="moderations")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500)
    was_hidden = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")
        constraints = [models.CheckConstraint(name="moderation_has_reason", condition=~Q(reason=""))]
