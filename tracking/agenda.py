"""What tracking puts on the committee's agenda (pbcity.agenda): disputed changes, closure requests, red flags,
open difficulties, overdue quarterly reports and unanswered councillors' questions, each with its decide
handler (tracking.services). Registered from TrackingConfig.ready."""
import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pbcity import agenda
from pbcity.agenda import AgendaCandidate

from . import rules, selectors, services
from .models import ChangeRequest, CommitteeNote, CouncillorQuestion, Difficulty, Project, QuarterlyReport


def _base(project: Project) -> dict:
    return {"project_id": project.pk, "proposal_id": project.proposal_id,
            "district_id": project.proposal.district_id, "url": project.get_absolute_url()}


def _in_cycle(qs, cycle, path="project__proposal__cycle"):
    return qs.filter(**{path: cycle}) if cycle is not None else qs


def changes_waiting(*, cycle=None):
    qs = _in_cycle(ChangeRequest.objects.filter(status=ChangeRequest.Status.DISPUTED,
                                                kind__in=(ChangeRequest.Kind.MILESTONE, ChangeRequest.Kind.BUDGET)),
                   cycle).select_related("project__proposal", "milestone").order_by("proposed_at", "id")
    for r in qs:
        yield AgendaCandidate(
            source="tracking.change", ref=str(r.pk), title=f"{r.get_kind_display()} · {r.project.title}",
            reason=_("A proposer disagrees with the agency's change."), agency_ids=(r.project.lead_agency_id,),
            **{**_base(r.project), "url": r.get_absolute_url()})


def closures_waiting(*, cycle=None):
    qs = _in_cycle(ChangeRequest.objects.filter(
        kind__in=(ChangeRequest.Kind.WITHDRAW, ChangeRequest.Kind.CLOSE),
        status__in=(ChangeRequest.Status.CONSENTED, ChangeRequest.Status.DISPUTED)), cycle,
    ).select_related("project__proposal").order_by("proposed_at", "id")
    for r in qs:
        why = (_("Every proposer consents; the committee's approval is needed.")
               if r.status == ChangeRequest.Status.CONSENTED
               else _("A proposer does not consent: it cannot be approved."))
        yield AgendaCandidate(
            source="tracking.closure", ref=str(r.pk), title=f"{r.get_kind_display()} · {r.project.title}",
            reason=why, agency_ids=(r.project.lead_agency_id,), **{**_base(r.project), "url": r.get_absolute_url()})


def _recently_decided(source: str, since: datetime.datetime) -> set[str]:
    return set(CommitteeNote.objects.filter(source=source, decided_at__gte=since).values_list("ref", flat=True))


FLAG_TEXT = {"overdue": gettext_lazy("Milestone update overdue beyond the grace period"),
             "stalled": gettext_lazy("No activity for a long time"),
             "variance": gettext_lazy("Budget beyond the variance limit"),
             "delayed": gettext_lazy("Milestone behind schedule")}


def flags_waiting(*, cycle=None):
    """Red flags not decided by the committee within the cycle's update interval."""
    rows = selectors.statuses(selectors.project_list(cycle=cycle, active_only=True))
    knobs = selectors.knobs_by_cycle()
    longest = max((k.update_interval_days for k in knobs.values()), default=90)
    decided: dict[str, datetime.datetime] = {}  # one query: the latest decision per flag
    for ref, when in (CommitteeNote.objects.filter(source="tracking.flag",
                                                   decided_at__gte=timezone.now() - datetime.timedelta(days=longest))
                      .values_list("ref", "decided_at")):
        decided[ref] = max(when, decided.get(ref, when))
    for s in rows:
        since = timezone.now() - datetime.timedelta(days=knobs[s.project.proposal.cycle_id].update_interval_days)
        for flag in s.flags:
            ref = f"{s.project.pk}:{flag}"
            if ref in decided and decided[ref] >= since:
                continue
            yield AgendaCandidate(source="tracking.flag", ref=ref, title=f"{FLAG_TEXT[flag]} · {s.project.title}",
                                  reason=str(FLAG_TEXT[flag]), agency_ids=tuple(sorted(s.project.agency_ids())),
                                  **_base(s.project))


def difficulties_waiting(*, cycle=None):
    qs = _in_cycle(Difficulty.objects.filter(resolved_at__isnull=True), cycle).select_related(
        "project__proposal").order_by("raised_at", "id")
    for d in qs:
        yield AgendaCandidate(source="tracking.difficulty", ref=str(d.pk), title=f"{d.summary} · {d.project.title}",
                              reason=d.get_kind_display(), agency_ids=(d.agency_id,), **_base(d.project))


def reports_overdue(*, cycle=None, today=None):
    """The last quarter's report not sent `grace_days` after the quarter ended, for active projects."""
    today = today or timezone.localdate()
    quarter = rules.quarter_reported_on(today)
    _start, end = rules.quarter_bounds(quarter)
    knobs = selectors.knobs_by_cycle()
    done = _recently_decided("tracking.report_overdue", timezone.now() - datetime.timedelta(days=92))
    sent = set(QuarterlyReport.objects.filter(quarter=quarter, status=QuarterlyReport.Status.SENT)
               .values_list("project_id", flat=True))
    for project in selectors.project_list(cycle=cycle, active_only=True):
        grace = knobs[project.proposal.cycle_id].grace_days
        ref = f"{project.pk}:{quarter}"
        if (project.pk in sent or ref in done or today <= end + datetime.timedelta(days=grace)
                or timezone.localdate(project.created_at) > end):
            continue
        yield AgendaCandidate(source="tracking.report_overdue", ref=ref, title=f"{quarter} · {project.title}",
                              reason=_("The quarterly report for %(q)s has not been sent.") % {"q": quarter},
                              agency_ids=(project.lead_agency_id,), **_base(project))


def questions_waiting(*, cycle=None, today=None):
    today = today or timezone.localdate()
    qs = _in_cycle(CouncillorQuestion.objects.filter(answer__isnull=True, answer_due__lt=today), cycle)
    done = _recently_decided("tracking.question", timezone.now() - datetime.timedelta(days=30))
    for q in qs.select_related("project__proposal").order_by("answer_due", "id"):
        if str(q.pk) in done:
            continue
        yield AgendaCandidate(
            source="tracking.question", ref=str(q.pk), title=f"{q.text[:60]} · {q.project.title}",
            reason=_("Not answered by %(d)s.") % {"d": q.answer_due.isoformat()}, due=q.answer_due,
            agency_ids=(q.project.lead_agency_id,),
            **{**_base(q.project), "url": reverse("tracking:project", args=[q.project_id]) + f"#question-{q.pk}"})


CHANGE_DECISIONS = (("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject")),
                    ("return", gettext_lazy("Return to the agency")))
NOTE_DECISIONS = (("noted", gettext_lazy("Noted")), ("follow_up", gettext_lazy("Follow up by a date")),
                  ("coordinate", gettext_lazy("Coordinate agencies by a date")))


def register() -> None:
    agenda.register("tracking.change", label=gettext_lazy("Disputed changes"), waiting=changes_waiting,
                    decisions=CHANGE_DECISIONS, decide=services.change_decide)
    agenda.register("tracking.closure", label=gettext_lazy("Withdrawal and closure requests"), waiting=closures_waiting,
                    decisions=CHANGE_DECISIONS, decide=services.closure_decide)
    agenda.register("tracking.flag", label=gettext_lazy("Red flags"), waiting=flags_waiting, decisions=NOTE_DECISIONS,
                    decide=services.flag_decide)
    agenda.register("tracking.difficulty", label=gettext_lazy("Open difficulties"), waiting=difficulties_waiting,
                    decisions=(("advise", gettext_lazy("Advice")), ("coordinate", gettext_lazy("Coordinate agencies")),
                               ("resolve", gettext_lazy("Resolved"))), decide=services.difficulty_decide)
    agenda.register("tracking.report_overdue", label=gettext_lazy("Overdue quarterly reports"), waiting=reports_overdue,
                    decisions=NOTE_DECISIONS, decide=services.report_overdue_decide)
    agenda.register("tracking.question", label=gettext_lazy("Unanswered councillors' questions"),
                    waiting=questions_waiting, decisions=NOTE_DECISIONS, decide=services.question_decide)


def last_answer(*, user_id, proposal_ids) -> dict:
    """proposals.activity: the proposer's own latest answer to a change, per proposal."""
    from django.db.models import Max

    from .models import ChangeAnswer

    rows = (ChangeAnswer.objects.filter(answered_by_id=user_id, by_office=False, proposer__user_id=user_id,
                                        proposer__proposal_id__in=proposal_ids)
            .values("proposer__proposal_id").annotate(last=Max("answered_at")))
    return {r["proposer__proposal_id"]: r["last"] for r in rows}
