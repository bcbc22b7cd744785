"""The committee's PB group meetings and the residents' hearings during execution (docs/decisions.md,
"Accountability: meetings and hearings").

Every model here is an append-only audit record (`@audited`): a meeting, an agenda item, an attendance
line, the minutes and a decision are each written once and enter the hash chain. What changes over time
(held or not, a follow-up closed or overdue) is derived from which records exist, never edited in place.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pbcity.audit import audited
from pbcity.fields import SingleLineCharField


@audited
class Meeting(models.Model):
    """A meeting of the Citizen Participation Committee's PB group (公民參與委員會參與預算組會議)."""

    cycle = models.ForeignKey("pbcity.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle"))
    title = SingleLineCharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = SingleLineCharField(_("place"), max_length=200)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accountability:meeting", args=[self.pk])

    def get_public_url(self):
        return reverse("accountability:minutes", args=[self.pk])


@audited
class MeetingItem(models.Model):
    """One agenda item: a candidate of a registered source (pbcity.agenda), or one a member added by hand."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=60, blank=True)  # "" = added by hand
    ref = models.CharField(max_length=60, blank=True)
    title = SingleLineCharField(_("title"), max_length=300)
    reason = models.TextField(_("why it is on the agenda"), blank=True)
    url = SingleLineCharField(max_length=300, blank=True)
    project = models.ForeignKey("tracking.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("project"))
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("proposal"))
    agency_ids = models.JSONField(default=list, blank=True)  # agencies invited to attend and report
    due = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            # A candidate is on a meeting's agenda once, however often the agenda is refreshed.
            models.UniqueConstraint(fields=["meeting", "source", "ref"], condition=~Q(source=""),
                                    name="meeting_item_candidate_once"),
            models.UniqueConstraint(fields=["meeting", "position"], name="meeting_item_position_unique"),
        ]

    def __str__(self):
        return self.title

    @property
    def by_hand(self) -> bool:
        return not self.source


@audited
class Attendance(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Committee member")
        AGENCY = "agency", _("Agency representative")
        PROPOSER = "proposer", _("Proposer")
        OTHER = "other", _("Other attendee")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    kind = models.CharField(_("attends as"), max_length=10, choices=Kind.choices)
    name = SingleLineCharField(_("name"), max_length=120)
    agency = models.ForeignKey("pbcity.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(name="attendance_agency_named",
                                   condition=~Q(kind="agency") | Q(agency__isnull=False)),
        ]


@audited
class Minutes(models.Model):
    """The minutes: once written, the meeting is held and closed, and its public page shows them."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    text = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")


@audited
class Decision(models.Model):
    """The committee's decision on one agenda item; with a due date it is a follow-up, tracked like a milestone."""

    item = models.OneToOneField(MeetingItem, on_delete=models.PROTECT, related_name="decision")
    code = models.CharField(_("decision"), max_length=40)
    label = SingleLineCharField(max_length=200)  # the decision's name when taken, for the record
    reason = models.TextField(_("reasons"))
    due = models.DateField(_("follow up by"), null=True, blank=True)
    agency_ids = models.JSONField(default=list, blank=True)  # agencies that must act (coordinate X and Y)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")


@audited
class FollowUpReport(models.Model):
    """An agency's report on a decision's follow-up; `done` closes it."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("report"))
    done = models.BooleanField(_("done"), default=False)
    agency = models.ForeignKey("pbcity.Agency", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_at", "id"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")


@audited
class Hearing(models.Model):
    """A meeting where residents are heard about a proposal or project (the seed's 實體溝通管道)."""

    class Kind(models.TextChoices):
        PUBLIC_HEARING = "public_hearing", _("Public hearing")
        EXPLANATORY = "explanatory", _("Explanatory meeting")
        FORUM = "forum", _("Forum")
        SITE_VISIT = "site_visit", _("Site visit")
        CITIZEN_CAFE = "citizen_cafe", _("Citizen café")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("proposal"))
    project = models.ForeignKey("tracking.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("project"))
    title = SingleLineCharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = SingleLineCharField(_("place"), max_length=200)
    description = models.TextField(_("what it is about"), blank=True)
    organiser_agency = models.ForeignKey("pbcity.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    organiser_district = models.ForeignKey("pbcity.District", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.CheckConstraint(
                name="hearing_one_organiser",
                condition=(Q(organiser_agency__isnull=False, organiser_district__isnull=True)
                           | Q(organiser_agency__isnull=True, organiser_district__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accountability:hearing", args=[self.pk])

    @property
    def organiser(self):
        return self.organiser_agency or self.organiser_district


@audited
class HearingRecord(models.Model):
    """What happened at a hearing: how many came, the minutes, and the objections in short."""

    hearing = models.OneToOneField(Hearing, on_delete=models.PROTECT, related_name="record")
    attendance = models.PositiveIntegerField(_("number of attendees"))
    minutes = models.TextField(_("minutes"))
    objections = models.TextField(_("objections (summary)"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hearing record")
        verbose_name_plural = _("hearing records")


@audited
class Opposition(models.Model):
    """Local opposition to a project in execution (執行階段地方民意不同意見): record, coordination, outcome."""

    project = models.ForeignKey("tracking.Project", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("project"))
    hearing = models.ForeignKey(Hearing, null=True, blank=True, on_delete=models.PROTECT, related_name="oppositions",
                                verbose_name=_("raised at"))
    summary = SingleLineCharField(_("summary"), max_length=200)
    details = models.TextField(_("what the residents object to"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("local opposition")
        verbose_name_plural = _("local oppositions")

    def __str__(self):
        return self.summary

    def get_absolute_url(self):
        return reverse("accountability:opposition", args=[self.pk])


@audited
class OppositionStep(models.Model):
    """A coordination meeting on an opposition, or its one outcome."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Coordination meeting")
        OUTCOME = "outcome", _("Outcome")

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue as planned")
        MODIFY = "modify", _("Modify, with the proposer's consent")
        WITHDRAW = "withdraw", _("Withdraw, with the committee's approval")
        CLOSE_EARLY = "close_early", _("Close early, with the committee's approval")

    opposition = models.ForeignKey(Opposition, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("record"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("coordination record")
        verbose_name_plural = _("coordination records")
        constraints = [
            models.CheckConstraint(name="opposition_meeting_has_date",
                                   condition=~Q(kind="meeting") | Q(held_on__isnull=False, outcome="")),
            models.CheckConstraint(name="opposition_outcome_named", condition=~Q(kind="outcome") | ~Q(outcome="")),
            models.UniqueConstraint(fields=["opposition"], condition=Q(kind="outcome"),
                                    name="opposition_one_outcome"),
        ]
