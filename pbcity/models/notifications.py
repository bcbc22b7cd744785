from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineCharField


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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]

    def __str__(self):
        return self.subject
