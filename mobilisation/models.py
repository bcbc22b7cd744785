"""Mobilisation flags, their reviews, and the coarse trace of each accepted ballot's request
(docs/decisions.md, "Mobilisation flags"; docs/security.md, "Mobilisation flags and ballot secrecy")."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.systext import SystemTextCharField


class Flag(models.Model):
    """A pattern that chance rarely gives, with its measure, threshold and baseline (mobilisation/rules.py).

    Computed by a task while an assembly or a vote runs and on demand; a recomputation updates the numbers
    of the same flag (kind, scope, subject) and `active` says whether it still holds. Its reviews are
    `FlagReview`s, on the audit chain.
    """

    class Kind(models.TextChoices):
        VILLAGE_BLOC = "village_bloc", _("Votes from one village")
        STAFF_BLOC = "staff_bloc", _("Votes from people one staff member signed in together")
        SIGNIN_BURST = "signin_burst", _("Sign-in burst")
        NETWORK = "network", _("Ballots from one network")
        DEVICE = "device", _("Ballots from one kind of device")
        OFFICE = "office", _("Ballots by verification office or import batch")
        LAST_DAY = "last_day", _("Last-day surge for a project")
        AGE = "age", _("A project's voters by age band")
        BUNDLE = "bundle", _("Co-approval bundle")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("pbcity.District", on_delete=models.PROTECT, related_name="+")
    assembly = models.ForeignKey("assemblies.Assembly", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    round = models.ForeignKey("voting.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    # Which group inside the scope: a village code, a table, a staff cluster, a window, a pair of projects…
    subject = models.CharField(max_length=80, blank=True)
    scope_label = SystemTextCharField(_("scope"), max_length=300)
    subject_label = SystemTextCharField(_("group"), max_length=300, blank=True)
    value = models.FloatField(_("value"))
    threshold = models.FloatField(_("threshold"))
    baseline = models.FloatField(_("baseline"))
    tail = models.FloatField(_("probability under chance"))
    count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(_("still holds"), default=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("mobilisation flag")
        verbose_name_plural = _("mobilisation flags")
        constraints = [
            models.UniqueConstraint(fields=["kind", "assembly", "round", "proposal", "subject"], name="flag_once",
                                    nulls_distinct=False),
            models.CheckConstraint(name="flag_one_scope",
                                   condition=Q(assembly__isnull=True, round__isnull=False)
                                   | Q(assembly__isnull=False, round__isnull=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.scope_label}"


@audited
class FlagReview(models.Model):
    """Append-only, on the audit chain: a reviewer's decision on a flag and why; the latest one stands."""

    class Decision(models.TextChoices):
        BENIGN = "benign", _("Benign")
        INVESTIGATE = "investigate", _("Under investigation")
        ACTION = "action", _("Action taken")

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reason = SystemTextCharField(_("reason"), max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("flag review")
        verbose_name_plural = _("flag reviews")


class CastTrace(models.Model):
    """One accepted ballot's request, coarsely: a keyed hash of its network prefix and its kind of device.

    Nothing names the voter or the ballot (no voter, no receipt, no id of either); the time is cut to
    the minute. `network` is emptied when the cycle's evaluation is published
    (`mobilisation_forget_networks`).
    """

    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=16, blank=True)
    device = models.CharField(max_length=40, blank=True)
    minute = models.DateTimeField()

    class Meta:
        verbose_name = _("ballot request trace")
        verbose_name_plural = _("ballot request traces")
        indexes = [models.Index(fields=["round", "minute"], name="cast_trace_round_minute")]


@audited
class NetworkErasure(models.Model):
    """Append-only, on the audit chain: the network hashes of a cycle's rounds were deleted."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    traces = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network hash erasure")
        verbose_name_plural = _("network hash erasures")
