from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineCharField


class TaskFailure(models.Model):
    """A background task that failed for good (after its retries): staff see it, nothing is silent.

    One row per task id: an eagerly run task and its retries share the id (docs/decisions.md,
    "Input that never breaks a committed action").
    """

    task_name = SingleLineCharField(_("task"), max_length=200)
    task_id = SingleLineCharField(_("task id"), max_length=64, blank=True)
    arguments = models.TextField(_("arguments"), blank=True)
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("failed background task")
        verbose_name_plural = _("failed background tasks")
        constraints = [
            models.UniqueConstraint(fields=["task_id"], condition=~Q(task_id=""), name="task_failure_once"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="task_failure_resolved_by_whom",
            ),
        ]

    def __str__(self):
        return f"{self.task_name} ({self.failed_at:%Y-%m-%d %H:%M})"


class OutboxMessage(models.Model):
    """A task that could not be queued because the broker was down, kept until it can be (the outbox).

    The action that asked for it has committed; `pbcity.tasks.outbox_flush` (beat, every 30 s) queues it
    again once Redis answers. Tasks are idempotent, so a message queued twice has its effect once
    (docs/decisions.md, "Faults that lose nothing").
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_pending_idx")]


class OutgoingMail(models.Model):
    """An e-mail kept until the mail server has taken it (the mail outbox), then deleted.

    A request builds the message and keeps it here; a worker sends it (`pbcity.tasks.mail_send`), and
    `pbcity.tasks.mail_flush` (beat, every 30 s) tries again what the server refused, so no request waits
    on SMTP and no mail is lost while SMTP is down. The message may hold a password-reset link: the row is
    deleted as soon as the server accepts it, and given up after MAIL_OUTBOX_MAX_AGE (docs/decisions.md,
    "One way to queue, and mail never inside a request").
    """

    recipients = models.CharField(max_length=300)  # who waits for it, for staff; the body stays in `message`
    message = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="outgoing_mail_due_idx")]

    def __str__(self):
        return f"{self.recipients} ({self.created_at:%Y-%m-%d %H:%M})"
