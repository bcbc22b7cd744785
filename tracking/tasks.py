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


def _proposer_users(project):
    from proposals.selectors import proposal_proposers

    return {pp.user.pk: pp.user for pp in proposal_proposers(project.proposal) if pp.user_id and pp.user.is_active}


@shared_task(bind=True, **RETRY_POLICY)
def change_notify(self, request_id: int) -> int:
    """Ask every proposer with an account for their answer to the agency's change."""
    from .models import ChangeRequest

    r = ChangeRequest.objects.select_related("project__proposal").get(pk=request_id)
    users = _proposer_users(r.project)
    for user in users.values():
        with translation.override(user.language or "zh-hant"):
            subject = _("Your answer is needed: %(kind)s on “%(p)s”") % {"kind": r.get_kind_display(),
                                                                         "p": r.project.title}
            body = _("The lead agency proposes a change. Please agree or disagree by %(d)s.") % {
                "d": r.answer_due.isoformat()}
        _send(user, f"change:{r.pk}", subject, body, r.get_absolute_url(), r.project)
    return len(users)


@shared_task(bind=True, **RETRY_POLICY)
def change_disputed_notify(self, request_id: int) -> int:
    """Tell the committee and the lead agency that a proposer disagrees."""
    from .models import ChangeRequest

    r = ChangeRequest.objects.select_related("project__proposal").get(pk=request_id)
    people = {u.pk: u for u in selectors.committee_members()}
    people.update({u.pk: u for u in selectors.agency_staff(agency_ids=[r.project.lead_agency_id])})
    for user in people.values():
        with translation.override(user.language or "zh-hant"):
            subject = _("Disputed change on “%(p)s”") % {"p": r.project.title}
            body = _("A proposer disagrees with “%(kind)s”; it goes to the committee's next meeting.") % {
                "kind": r.get_kind_display()}
        _send(user, f"change-disputed:{r.pk}", subject, body, r.get_absolute_url(), r.project)
    return len(people)


@shared_task(bind=True, **RETRY_POLICY)
def change_decided_notify(self, request_id: int) -> int:
    """Tell the proposers and the lead agency what the committee decided."""
    from .models import ChangeRequest

    r = ChangeRequest.objects.select_related("project__proposal").get(pk=request_id)
    people = _proposer_users(r.project)
    people.update({u.pk: u for u in selectors.agency_staff(agency_ids=[r.project.lead_agency_id])})
    for user in people.values():
        with translation.override(user.language or "zh-hant"):
            subject = _("The committee decided on “%(p)s”") % {"p": r.project.title}
            body = f"{r.get_kind_display()}: {r.get_status_display()}. {r.decision_reason}"
        _send(user, f"change-decided:{r.pk}", subject, body, r.get_absolute_url(), r.project)
    return len(people)


@shared_task(bind=True, **RETRY_POLICY)
def question_notify(self, question_id: int) -> int:
    """Tell the lead agency's staff that a councillor asked a question on their project."""
    from .models import CouncillorQuestion

    q = CouncillorQuestion.objects.select_related("project__proposal").get(pk=question_id)
    staff = selectors.agency_staff(agency_ids=[q.project.lead_agency_id])
    for user in staff:
        with translation.override(user.language or "zh-hant"):
            subject = _("A councillor asks about “%(p)s”") % {"p": q.project.title}
            body = _("Please answer publicly by %(d)s.") % {"d": q.answer_due.isoformat()}
        _send(user, f"question:{q.pk}", subject, body, q.project.get_absolute_url() + f"#question-{q.pk}",
              q.project)
    return len(staff)
