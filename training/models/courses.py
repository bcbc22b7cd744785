"""Courses, their dated sessions, registrations (with a waiting list) and attendance hours."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pbcity.fields import SingleLineCharField


class Course(models.Model):
    class Kind(models.TextChoices):
        PROMOTION_369 = "promotion_369", _("“369” promotion course")
        CIVIL_SERVANT = "civil_servant", _("Civil-servant course")
        CAMPUS = "campus", _("Campus course")
        HOST_TRAINING = "host_training", _("Host and table-lead training")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = SingleLineCharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROMOTION_369)
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    counts_toward_cards = models.BooleanField(
        _("counts toward citizen cards"), default=True,
        help_text=_("Hours attended in this course add up toward the 3 / 6 / 9 hour citizen cards."),
    )
    is_active = models.BooleanField(_("open for registration"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.CheckConstraint(name="course_hours_positive", condition=Q(hours__gt=0))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:course", args=[self.code])


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    district = models.ForeignKey(
        "pbcity.District", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("district")
    )
    place = SingleLineCharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_sessions",
        verbose_name=_("trainer"),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = pgettext_lazy("course", "session")
        verbose_name_plural = pgettext_lazy("course", "sessions")
        constraints = [
            models.CheckConstraint(name="session_capacity_positive", condition=Q(capacity__gte=1)),
            models.CheckConstraint(name="session_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(name="session_has_place_or_link", condition=~Q(place="") | ~Q(online_url="")),
        ]

    def __str__(self):
        return f"{self.course} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("training:session", args=[self.pk])

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.place


class Registration(models.Model):
    """One person's place in a session: a seat, a place on the waiting list, or cancelled."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # Waiting-list order: the time of the latest (re-)registration.
    queued_at = models.DateTimeField(_("queued at"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="registration_once_per_session")]

    def __str__(self):
        return f"{self.user} · {self.session} · {self.get_status_display()}"


class Attendance(models.Model):
    """Hours a person was credited for a session. Corrections are kept by simple-history with a reason."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_attendances")
    hours = models.DecimalField(_("hours credited"), max_digits=4, decimal_places=1, default=Decimal("0"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session__starts_at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session"),
            models.CheckConstraint(name="attendance_hours_non_negative", condition=Q(hours__gte=0)),
        ]

    def __str__(self):
        return f"{self.user} · {self.session} · {self.hours}"
