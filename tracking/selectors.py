"""Reads for the project pages, the oversight pages, the dashboard and the reports."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from pbcity.models import Cycle
from pbcity.permissions import acts_as
from pbcity.roles import Role
from proposals.models import Proposal
from proposals.selectors import proposal_search
from proposals.states import EXECUTION_STATES, State

from . import rules
from .models import BudgetFigure, CycleTracking, Difficulty, Milestone, Project, QuarterlyReport

ACTIVE_STATES = tuple(EXECUTION_STATES)


def _items(milestones):
    return [rules.Item(weight=m.weight, percent=m.percent, status=m.status, planned_end=m.planned_end)
            for m in milestones]


def knobs_by_cycle() -> dict:
    """Each cycle's tracking settings (defaults for a cycle without a row)."""
    rows = {k.cycle_id: k for k in CycleTracking.objects.all()}
    return {c.pk: rows.get(c.pk) or CycleTracking(cycle=c) for c in Cycle.objects.all()}


def budget_summary(figures, *, limit_percent: int = 10) -> dict:
    """The latest figure of each kind (figures in recording order) and the variance."""
    latest = {}
    for f in figures:
        latest[f.kind] = f
    amount = {k: (latest[k].amount if k in latest else None) for k in BudgetFigure.Kind.values}
    spent = rules.spent(committed=amount["committed"], executed=amount["executed"])
    variance = rules.variance_percent(approved=amount["approved"], spent_amount=spent)
    return {
        "latest": latest, "amount": amount, "spent": spent, "variance": variance,
        "over": rules.over_variance(approved=amount["approved"], spent_amount=spent, limit_percent=limit_percent),
        "execution_rate": (amount["executed"] * 100 // amount["approved"])
        if amount["executed"] is not None and amount["approved"] else None,
    }


@dataclass
class MilestoneView:
    m: Milestone
    due_on: datetime.date | None
    flag: str
    delayed: bool


@dataclass
class ProjectStatus:
    project: Project
    progress: int
    next_due: datetime.date | None
    milestones: list = field(default_factory=list)
    budget: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)  # (code, text args)
    stalled: bool = False

    @property
    def red(self):
        return bool(self.flags)


def status_of(project: Project, *, knobs: CycleTracking, today=None) -> ProjectStatus:
    """Roll-up, per-milestone update flags and the project's red flags. Uses prefetched relations."""
    today = today or timezone.localdate()
    ms = list(project.milestones.all())
    views = []
    for m in ms:
        due = rules.update_due_on(status=m.status, planned_end=m.planned_end, last_update_on=m.last_update_on,
                                  interval_days=knobs.update_interval_days)
        views.append(MilestoneView(
            m=m, due_on=due, flag=rules.update_flag(due_on=due, today=today, grace_days=knobs.grace_days),
            delayed=rules.is_delayed(status=m.status, planned_end=m.planned_end, today=today),
        ))
    budget = budget_summary(project.budget_figures.all(), limit_percent=knobs.variance_percent)
    active = project.proposal.state in ACTIVE_STATES
    flags = []
    stalled = False
    if active:
        if any(v.flag == rules.RED for v in views):
            flags.append("overdue")
        last = timezone.localdate(project.last_activity_at)
        stalled = rules.is_stalled(last_activity=last, today=today, days=knobs.stalled_after_days)
        if stalled:
            flags.append("stalled")
        if budget["over"]:
            flags.append("variance")
        if any(v.delayed for v in views):
            flags.append("delayed")
    items = _items(ms)
    return ProjectStatus(project=project, progress=rules.weighted_progress(items), next_due=rules.next_due(items),
                         milestones=views, budget=budget, flags=flags, stalled=stalled)


def _projects():
    return Project.objects.select_related(
        "proposal__cycle", "proposal__district", "lead_agency"
    ).prefetch_related(
        "co_agencies",
        Prefetch("milestones", queryset=Milestone.objects.select_related("agency").order_by("planned_end", "id")),
        Prefetch("budget_figures", queryset=BudgetFigure.objects.order_by("recorded_at", "id")),
    )


def project_list(*, district=None, cycle=None, active_only=False, text: str = ""):
    """Projects (of a district, a cycle, still active), those whose proposal holds `text` if given."""
    qs = proposal_search(_projects(), text=text, path="proposal__")
    if district is not None:
        qs = qs.filter(proposal__district=district)
    if cycle is not None:
        qs = qs.filter(proposal__cycle=cycle)
    if active_only:
        qs = qs.filter(proposal__state__in=ACTIVE_STATES)
    return qs.order_by("proposal__district_id", "-created_at", "-id")


def awaiting_agencies(*, district=None, cycle=None, text: str = ""):
    """Proposals the vote admitted whose project is not open yet (it opens when civil affairs notifies the
    agencies): listed with the projects at once, as waiting for the agencies (docs/decisions.md)."""
    qs = (Proposal.objects.filter(state=State.ADMITTED, project__isnull=True)
          .select_related("cycle", "district", "lead_agency"))
    qs = proposal_search(qs, text=text)
    if district is not None:
        qs = qs.filter(district=district)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.order_by("district_id", "title", "id")


def statuses(projects, *, today=None) -> list[ProjectStatus]:
    knobs = knobs_by_cycle()
    return [status_of(p, knobs=knobs[p.proposal.cycle_id], today=today) for p in projects]


def project_page(*, pk: int, user) -> dict:
    project = _projects().select_related("proposal__village").prefetch_related(
        Prefetch("milestones__evidence"),
        Prefetch("difficulties", queryset=Difficulty.objects.select_related("agency").prefetch_related("records")),
        "council_decisions",
        Prefetch("reports", queryset=QuarterlyReport.objects.exclude(pdf="").order_by("-quarter")),
    ).get(pk=pk)
    knobs = knobs_by_cycle()[project.proposal.cycle_id]
    status = status_of(project, knobs=knobs)
    by_agency = {}
    for v in status.milestones:
        by_agency.setdefault(v.m.agency, []).append(v)
    return {"project": project, "status": status, "knobs": knobs, "by_agency": list(by_agency.items()),
            "transitions": project.proposal.transitions.select_related("actor").filter(
                transition__in=("start_execution", "withdraw", "close_early", "complete", "notify_agencies",
                                "agree_direct_execution", "execute_after_assessment"))}


def district_page(*, district, cycle=None, text: str = "") -> dict:
    rows = statuses(project_list(district=district, cycle=cycle, text=text))
    return {"rows": rows, "awaiting": list(awaiting_agencies(district=district, cycle=cycle, text=text)),
            **figures_of(rows)}


def figures_of(rows) -> dict:
    """Completion rate (completed ÷ projects that ended or are under way) and budget execution rate."""
    n = len(rows)
    completed = sum(1 for r in rows if r.project.proposal.state == State.COMPLETED)
    approved = sum(r.budget["amount"]["approved"] or 0 for r in rows)
    executed = sum(r.budget["amount"]["executed"] or 0 for r in rows if r.budget["amount"]["approved"])
    return {
        "n": n, "completed": completed,
        "completion_rate": round(completed * 100 / n) if n else None,
        "approved": approved, "executed": executed,
        "execution_rate": round(executed * 100 / approved) if approved else None,
    }


def dashboard(*, cycle=None, today=None) -> dict:
    rows = statuses(project_list(cycle=cycle), today=today)
    flagged = [r for r in rows if r.flags]
    groups = {}
    for r in rows:
        key = (r.project.proposal.cycle, r.project.proposal.district)
        groups.setdefault(key, []).append(r)
    table = [{"cycle": c, "district": d, **figures_of(rs)} for (c, d), rs in
             sorted(groups.items(), key=lambda kv: (-kv[0][0].year, kv[0][1].pk))]
    return {"flagged": flagged, "rows": rows, "table": table, "total": figures_of(rows),
            "open_difficulties": Difficulty.objects.filter(resolved_at__isnull=True)
            .select_related("project__proposal", "agency").order_by("raised_at")[:50]}


def oversight_projects(*, district, cycle=None) -> list[ProjectStatus]:
    return statuses(project_list(district=district, cycle=cycle))


def reports_due(*, quarter: str):
    """Projects a report is made for: active during the quarter and not yet sent."""
    start, end = rules.quarter_bounds(quarter)
    created_before = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    return (Project.objects.filter(proposal__state__in=ACTIVE_STATES, created_at__lt=created_before)
            .exclude(reports__quarter=quarter, reports__status=QuarterlyReport.Status.SENT)
            .order_by("pk").values_list("pk", flat=True))


def agency_staff(*, agency_ids):
    from pbcity.models import User

    users = User.objects.filter(
        roles__role=Role.AGENCY, roles__agency_id__in=list(agency_ids), is_active=True
    ).distinct()
    return [u for u in users if any(acts_as(u, Role.AGENCY, agency_id=a) for a in agency_ids)]


def committee_members():
    from pbcity.models import User

    return list(User.objects.filter(roles__role=Role.COMMITTEE, is_active=True).distinct())


# -- sign-off and councillors' questions ---------------------------------------------------------------------

def project_changes(project) -> list:
    """The project's changes, newest first, each with its answers and the proposers still to answer."""
    from proposals.selectors import proposal_proposers

    from .models import ChangeAnswer, ChangeRequest

    proposers = proposal_proposers(project.proposal)
    rows = list(ChangeRequest.objects.filter(project=project).select_related("milestone", "proposed_by", "decided_by")
                .prefetch_related(Prefetch("answers", queryset=ChangeAnswer.objects.select_related(
                    "proposer", "answered_by").order_by("answered_at", "id"))))
    for r in rows:
        answered = {a.proposer_id for a in r.answers.all()}
        r.waiting_for = [pp for pp in proposers if pp.pk not in answered] if r.status == "pending" else []
    return rows


def change_page(*, pk: int):
    from .models import ChangeRequest

    r = ChangeRequest.objects.select_related("project__proposal__district", "project__lead_agency").get(pk=pk)
    return next(c for c in project_changes(r.project) if c.pk == r.pk), r.project


def project_questions(project) -> list:
    from .models import CouncillorQuestion

    today = timezone.localdate()
    rows = list(CouncillorQuestion.objects.filter(project=project).select_related("asked_by", "answer__agency"))
    for q in rows:
        q.has_answer = hasattr(q, "answer")
        q.overdue = rules.question_overdue(today=today, answer_due=q.answer_due, answered=q.has_answer)
    return rows


def committee_notes(project) -> list:
    from .models import CommitteeNote

    return list(CommitteeNote.objects.filter(project=project).order_by("-decided_at", "-id"))
