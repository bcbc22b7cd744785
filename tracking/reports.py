"""Quarterly progress reports: built once per (project, quarter), kept on the project page, sent once.

Exactly once (docs/decisions.md, "Tracking"): the report row is the claim (unique per project and
quarter). Building happens under that row's lock and commits the PDF and status together, so a second
run waits and then finds it built, and a worker killed mid-build leaves nothing committed for the retry
to trip over. Delivery goes through one inbox row per (recipient, report) whose `emailed_at` is set in
the transaction that sends, as pbcity's notifications do.
"""
import base64
import mimetypes

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.follows import topic
from pbcity.models import Notification, NotificationKind
from pbcity.pdf import pdf_render
from pbcity.selectors import followers
from pbcity.services import mail_attachment, notification_deliver

from . import rules, selectors
from .models import Difficulty, Evidence, Project, QuarterlyReport


def _data_uri(fieldfile, content_type) -> str | None:
    try:
        with fieldfile.open("rb") as fh:
            return f"data:{content_type};base64," + base64.b64encode(fh.read()).decode()
    except (FileNotFoundError, ValueError):
        return None


def report_context(project: Project, quarter: str) -> dict:
    start, end = rules.quarter_bounds(quarter)
    status = selectors.statuses([selectors.project_list().get(pk=project.pk)])[0]
    photos = []
    for ev in (Evidence.objects.filter(milestone__project=project, content_type__startswith="image/",
                                       uploaded_at__date__lte=end).order_by("-uploaded_at")[:4]):
        uri = _data_uri(ev.file, ev.content_type)
        if uri:
            photos.append({"uri": uri, "alt": ev.alt_text, "milestone": ev.milestone.title})
    difficulties = Difficulty.objects.filter(project=project, raised_at__date__lte=end).prefetch_related("records")
    return {"project": status.project, "status": status, "quarter": quarter, "start": start, "end": end,
            "photos": photos, "difficulties": difficulties}


def build_pdf(project: Project, quarter: str, *, context: dict | None = None, language: str = "zh-hant") -> bytes:
    """The report in `language`: the archived copy is zh-Hant; an English reader gets an English copy."""
    context = context or report_context(project, quarter)
    with translation.override(language):
        html = render_to_string("tracking/pdf/quarterly.html", {**context, "generated_at": timezone.localtime()})
    return pdf_render(html, cjk_subset=True)


def report_claim(*, project_id: int, quarter: str) -> QuarterlyReport:
    rules.parse_quarter(quarter)
    try:
        with transaction.atomic():
            return QuarterlyReport.objects.get_or_create(project_id=project_id, quarter=quarter)[0]
    except IntegrityError:  # a concurrent run inserted it first
        return QuarterlyReport.objects.get(project_id=project_id, quarter=quarter)


def report_build(*, report: QuarterlyReport) -> QuarterlyReport:
    """Build the PDF unless it is built; the row lock makes a concurrent builder wait for this one."""
    with transaction.atomic():
        r = QuarterlyReport.objects.select_for_update().select_related("project__proposal").get(pk=report.pk)
        if r.status != QuarterlyReport.Status.CLAIMED:
            return r
        context = report_context(r.project, r.quarter)
        pdf = build_pdf(r.project, r.quarter, context=context)
        r.pdf.save(f"{r.project_id}-{r.quarter}.pdf", ContentFile(pdf), save=False)
        r.status = QuarterlyReport.Status.BUILT
        r.built_at = timezone.now()
        r.builds += 1
        r.progress = context["status"].progress
        r.save()
    return r


def _recipients(project: Project):
    """Proposers with an account (each in their own language), then the committee, then the project's
    followers, each once."""
    seen, out = set(), []
    people = [pp.user for pp in project.proposal.proposers.select_related("user").filter(user__isnull=False)]
    people += list(selectors.committee_members())
    people += list(followers(kind="project", target_id=project.pk))
    for u in people:
        if u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out


def report_deliver(*, report: QuarterlyReport) -> int:
    """Inbox message and e-mail with the PDF to each recipient, at most once each; then mark sent.

    Each person's choice for project progress applies (pbcity.services.notification_deliver): a
    digest reader finds the report linked in their digest, without the PDF attached.
    """
    r = QuarterlyReport.objects.select_related("project__proposal").get(pk=report.pk)
    if r.status == QuarterlyReport.Status.SENT:
        return 0
    if r.status != QuarterlyReport.Status.BUILT:
        raise RuntimeError("report not built")
    project = r.project
    key = f"quarterly-report:{r.pk}"
    sent = 0
    name, mime = f"report-{r.quarter}-{project.pk}.pdf", mimetypes.types_map[".pdf"]
    # By language: the archived zh-Hant file, or an English copy made once when someone reads English;
    # encoded for e-mail once and attached to every recipient's message (not encoded again per recipient).
    attachments = {}

    def attachment_for(language: str):
        if language not in attachments:
            if language == "en":
                pdf = build_pdf(project, r.quarter, language="en")
            else:
                with r.pdf.open("rb") as fh:
                    pdf = fh.read()
            attachments[language] = mail_attachment(name, pdf, mime)
        return attachments[language]

    for user in _recipients(project):
        with translation.override(user.language or "zh-hant"):
            args = {"quarter": r.quarter, "title": project.title, "progress": r.progress}
            subject = _("Quarterly progress report %(quarter)s: %(title)s") % args
            body = _("The progress report for %(quarter)s of “%(title)s” is attached and on the project page. "
                     "Progress: %(progress)d%%.") % args
        emailed_before = Notification.objects.filter(recipient=user, key=key, emailed_at__isnull=False).exists()
        language = "en" if (user.language or "").startswith("en") else "zh-hant"
        note = notification_deliver(recipient=user, key=key, subject=subject, body=body,
                                    url=project.get_absolute_url(), kind=NotificationKind.PROJECT,
                                    topic=topic("project", project.pk), attachments=[attachment_for(language)])
        sent += int(note.emailed_at is not None and not emailed_before)
    with transaction.atomic():
        r = QuarterlyReport.objects.select_for_update().get(pk=r.pk)
        if r.status == QuarterlyReport.Status.BUILT:
            r.status = QuarterlyReport.Status.SENT
            r.sent_at = timezone.now()
            r.save(update_fields=["status", "sent_at"])
    return sent


def report_make(*, project_id: int, quarter: str) -> QuarterlyReport:
    """Claim, build and deliver one report. Safe to run twice, at once, or again after a crash."""
    report = report_claim(project_id=project_id, quarter=quarter)
    report = report_build(report=report)
    report_deliver(report=report)
    return QuarterlyReport.objects.get(pk=report.pk)


def quarter_run(*, quarter: str) -> list[int]:
    """In-process run of a whole quarter (manage.py quarterly_reports, benchmark, demo)."""
    done = []
    for pk in selectors.reports_due(quarter=quarter):
        done.append(report_make(project_id=pk, quarter=quarter).pk)
    return done
