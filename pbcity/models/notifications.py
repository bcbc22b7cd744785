from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pbcity.fields import SingleLineCharField


class NotificationKind(models.TextChoices):
    """What a notification is about: each person chooses per kind how it reaches them."""

    PROPOSAL = "proposal", _("Progress of proposals")
    PROJECT = "project", _("Progress of projects and quarterly reports")
    ROUND = "round", _("Voting rounds and their results")
    ACCOUNT = "account", _("Your registration, citizen cards and panel seats")
    AUDIT = "audit", _("The audit chain's daily head")
    # Work somebody must act on (designations, contests, overdue milestones, difficulties, a broken chain):
    # always immediate, never delayed to a digest (docs/decisions.md, "Notifications people can manage").
    WORK = "work", _("Staff work items")


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("In the inbox only")
    IMMEDIATE = "immediate", _("Inbox and an e-mail at once")
    DIGEST = "digest", _("Inbox and one daily digest e-mail")


# Kinds whose delivery a person may not change, and the one they get.
FIXED_DELIVERY = {NotificationKind.WORK: Delivery.IMMEDIATE}


class NotificationDigest(models.Model):
    """One daily digest e-mail of one person: the unique (user, day) makes it exactly once per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="notification_digest_once_a_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class Notification(models.Model):
    """An in-app inbox message. `key` makes delivery idempotent: a retried task finds its row."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = SingleLineCharField(max_length=120)
    subject = SingleLineCharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = SingleLineCharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices, default=NotificationKind.WORK)
    # What it is about, "proposal:12" / "project:3" / "round:5" (the inbox groups by it); blank for the rest.
    topic = models.CharField(max_length=40, blank=True, default="")
    # How it reached the person, chosen from their preference when it was delivered.
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    digest = models.ForeignKey(NotificationDigest, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="notifications")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]
        indexes = [
            # The daily digest's question: what of this person waits for a digest.
            models.Index(fields=["recipient", "delivery"], name="notification_digest_wait",
                         condition=models.Q(delivery="digest", digest__isnull=True)),
        ]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """How one person receives one kind of notification; no row means immediate e-mail (the default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            # Staff work items are never delayed or silenced: the database refuses it too.
            models.CheckConstraint(condition=~models.Q(kind="work") | models.Q(delivery="immediate"),
                                   name="notification_work_immediate"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}={self.delivery}"


class Follow(models.Model):
    """A person follows a proposal, a project or a voting round, and so receives its news.

    `target_kind` names a kind registered in `pbcity.follows` by the app that owns it (the base
    imports no app, so this is a kind and an id, not a foreign key).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    target_kind = models.CharField(max_length=16)
    target_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = pgettext_lazy("noun", "follow")
        verbose_name_plural = pgettext_lazy("noun", "follows")
        constraints = [models.UniqueConstraint(fields=["user", "target_kind", "target_id"], name="follow_once")]
        indexes = [models.Index(fields=["target_kind", "target_id"], name="follow_target")]

    def __str__(self):
        return f"{self.user_id} → {self.target_kind}:{self.target_id}"
