"""Celery tasks: the quarterly reports (beat, first day of each quarter) and overdue-update reminders."""
from celery import shared_task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.tasks import RETRY_POLICY, enqueue_isolated, notification_send

from . import reports, rules, selectors
from .models import Difficulty, Project


@shared_task(bind=True, **RETRY_POLICY)
def quarterly_reports_start(self, quarter: str | None = None) -> int:
    """Beat's entry point: one task per project still owed this quarter's report."""
    quarter = quarter or rules.quarter_reported_on(timezone.localdate())
    rules.parse_quarter(quarter)
    ids = list(selectors.reports_due(quarter=quarter))
    for pk in ids:
        enqueue_isolated(quarterly_report_make, pk, quarter)
    return len(ids)


# acks_late (settings): a worker killed mid-build leaves the message to be delivered again; the claim
# row makes the second attempt finish the first one's work instead of repeating it.
@shared_task(bind=True, **RETRY_POLICY)
def quarterly_report_make(self, project_id: int, quarter: str) -> int:
    return reports.report_make(project_id=project_id, quarter=quarter).pk


def _send(user, key, subject, body, url, project=None):
    """One task per recipient (docs/decisions.md): one person's failure never touches another's.

    Staff work items (kind "work", always e-mailed at once), grouped in the inbox under their project.
    """
    enqueue_isolated(notification_send, user.pk, key, subject, body, url,
                     topic=f"project:{project.pk}" if project is not None else "")


@shared_task(bind=True, **RETRY_POLICY)
def overdue_reminders(self) -> dict:
    """Remind agencies of overdue milestone updates; after the grace period, flag them to the committee.

    Keys include the due date, so each overdue period reminds once however often this runs.
    """
    reminded = flagged = 0
    committee = selectors.committee_members()
    for status in selectors.statuses(selectors.project_list(active_only=True)):
        project = status.project
        for v in status.milestones:
            if v.flag == rules.OK:
                continue
            for user in selectors.agency_staff(agency_ids=[v.m.agency_id]):
                with translation.override(user.language or "zh-hant"):
                    subject = _("Milestone update overdue: %(m)s") % {"m": v.m.title}
                    body = _("“%(m)s” of “%(p)s” was due for an update on %(due)s. Please update it.") % {
                        "m": v.m.title, "p": project.title, "due": v.due_on.isoformat()}
                _send(user, f"milestone-overdue:{v.m.pk}:{v.due_on}", subject, body, project.get_absolute_url(),
                      project)
                reminded += 1
            if v.flag == rules.RED:
                for user in committee:
                    with translation.override(user.language or "zh-hant"):
                        subject = _("Red flag: milestone update overdue beyond the grace period: %(p)s") % {
                            "p": project.title}
                        body = _("“%(m)s” (%(a)s) was due for an update on %(due)s.") % {
                            "m": v.m.title, "a": v.m.agency.display_name, "due": v.due_on.isoformat()}
                    _send(user, f"milestone-red:{v.m.pk}:{v.due_on}", subject, body, project.get_absolute_url(),
                          project)
                    flagged += 1
    return {"reminded": reminded, "flagged": flagged}


@shared_task(bind=True, **RETRY_POLICY)
def agencies_notify(self, project_id: int) -> int:
    """Tell the staff of the lead and co-agencies that the project is theirs."""
    project = Project.objects.select_related("proposal", "lead_agency").get(pk=project_id)
    sent = 0
    for user in selectors.agency_staff(agency_ids=project.agency_ids()):
        with translation.override(user.language or "zh-hant"):
            subject = _("New project for your agency: %(p)s") % {"p": project.title}
            body = _("Lead agency (project manager): %(a)s. Please plan the milestones and budget.") % {
                "a": project.lead_agency.display_name}
        _send(user, f"project-notified:{project.pk}", subject, body, project.get_absolute_url(), project)
        sent += 1
    return sent


@shared_task(bind=True, **RETRY_POLICY)
def difficulty_notify(self, difficulty_id: int) -> int:
    d = Difficulty.objects.select_related("project__proposal").get(pk=difficulty_id)
    sent = 0
    for user in selectors.committee_members():
        with translation.override(user.language or "zh-hant"):
            subject = _("Difficulty raised on %(p)s: %(s)s") % {"p": d.project.title, "s": d.summary}
        _send(user, f"difficulty:{d.pk}", subject, d.details, d.project.get_absolute_url(), d.project)
        sent += 1
    return sent


@shared_task(bind=True, **RETRY_POLICY)
def milestone_progress_notify(self, milestone_id: int, history_id: int) -> int:
    """Tell the project's proposers and followers that a milestone was updated (once per update)."""
    from pbcity.follows import topic
    from pbcity.selectors import followers

    from .models import Milestone

    m = Milestone.objects.select_related("project__proposal", "agency").get(pk=milestone_id)
    project = m.project
    people = {pp.user.pk: pp.user for pp in project.proposal.proposers.select_related("user")
              .filter(user__isnull=False)}
    people.update({u.pk: u for u in followers(kind="project", target_id=project.pk) if u.pk not in people})
    for user in people.values():
        with translation.override(user.language or "zh-hant"):
            subject = _("Progress on “%(p)s”: %(m)s is %(percent)s%% done") % {
                "p": project.title, "m": m.title, "percent": m.percent}
            body = _("%(agency)s updated the milestone “%(m)s” (%(status)s).") % {
                "agency": m.agency.display_name, "m": m.title, "status": m.get_status_display()}
        enqueue_isolated(notification_send, user.pk, f"milestone-update:{history_id}", subject, body,
                         project.get_absolute_url(), kind="project", topic=topic("project", project.pk))
    return len(people)
