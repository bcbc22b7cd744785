"""Public execution pages: every project, a district's projects, one project; its files and reports."""
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pbcity import search
from pbcity.models import District
from pbcity.selectors import cycle_from_query
from pbcity.uploads import file_response
from proposals.lifecycle import SIMPLE_TRANSITIONS
from proposals.selectors import proposal_actions

from .. import permissions as perm
from .. import selectors
from ..forms import (
    BudgetFigureForm,
    BudgetPathForm,
    CouncilDecisionForm,
    DifficultyForm,
    DifficultyRecordForm,
    QuestionAnswerForm,
    QuestionForm,
    TransitionForm,
)
from ..models import Evidence, FinalReportPhoto, Project, QuarterlyReport
from ..services import PROJECT_TRANSITIONS


def _cycle(request):
    return cycle_from_query(request.GET)


def index(request):
    cycles, cycle = _cycle(request)
    q = search.clean_query(request.GET.get("q"))
    rows = selectors.statuses(selectors.project_list(cycle=cycle, text=q))
    return render(request, "tracking/index.html", {
        "rows": rows, "cycles": cycles, "cycle": cycle, "districts": District.objects.all(), "q": q,
        "awaiting": list(selectors.awaiting_agencies(cycle=cycle, text=q)),
        "can_dashboard": perm.can_view_dashboard(request.user),
        **selectors.figures_of(rows),
    })


def district(request, code):
    d = get_object_or_404(District, code=code)
    cycles, cycle = _cycle(request)
    q = search.clean_query(request.GET.get("q"))
    return render(request, "tracking/district.html",
                  {"district": d, "cycles": cycles, "cycle": cycle, "q": q,
                   **selectors.district_page(district=d, cycle=cycle, text=q)})


def project_context(request, pk, bound=None) -> dict:
    """The project page; `bound` holds forms with errors to show again, by prefix."""
    bound = bound or {}
    try:
        ctx = selectors.project_page(pk=pk, user=request.user)
    except Project.DoesNotExist:
        raise Http404
    p, user = ctx["project"], request.user
    proposal = p.proposal
    difficulties = list(p.difficulties.all())
    for d in difficulties:
        d.can_respond = d.resolved_at is None and perm.can_respond_difficulty(d, user)
        if d.can_respond:
            d.record_form = bound.get(f"rec{d.pk}") or DifficultyRecordForm(prefix=f"rec{d.pk}")
    ctx.update({
        "difficulties": difficulties,
        "staff_view": perm.can_see_staff_notes(p, user),
        "can_add_milestone": perm.can_add_milestone(p, user),
        "can_budget": perm.can_record_budget(p, user),
        "can_council": perm.can_record_council_decision(p, user) and p.budget_path == Project.BudgetPath.NEXT_YEAR,
        "can_raise": perm.can_raise_difficulty(p, user),
        "can_complete": perm.can_complete(p, user),
        "can_refine_point": perm.can_refine_point(p, user),
        "editable": {v.m.pk for v in ctx["status"].milestones if perm.can_edit_milestone(v.m, user)},
        "transitions_open": [
            (a["name"], SIMPLE_TRANSITIONS[a["name"]], bound.get(a["name"]) or TransitionForm(prefix=a["name"]))
            for a in proposal_actions(proposal=proposal, user=user) if a["name"] in PROJECT_TRANSITIONS
        ],
        "budget_form": bound.get("fig") or BudgetFigureForm(),
        "path_form": bound.get("path") or BudgetPathForm(initial={"path": p.budget_path}),
        "council_form": bound.get("council") or CouncilDecisionForm(),
        "difficulty_form": bound.get("diff") or DifficultyForm(),
        "changes": selectors.project_changes(p),
        "committee_notes": selectors.committee_notes(p),
        "can_propose_change": perm.can_propose_change(p, user),
        "can_ask": perm.can_ask_question(p, user),
        "question_form": bound.get("question") or QuestionForm(),
    })
    questions = selectors.project_questions(p)
    for q in questions:
        q.can_answer = not q.has_answer and perm.can_answer_question(q, user)
        if q.can_answer:
            q.answer_form = bound.get(f"qa{q.pk}") or QuestionAnswerForm(prefix=f"qa{q.pk}")
    ctx["questions"] = questions
    if p.budget_path == Project.BudgetPath.NEXT_YEAR:
        ctx["confirm_window"] = ctx["knobs"].confirm_window()
        ctx["council_date"] = ctx["knobs"].council_date()
    return ctx


def project(request, pk, bound=None, status=200):
    return render(request, "tracking/project.html", project_context(request, pk, bound), status=status)


def evidence_file(request, pk):
    ev = get_object_or_404(Evidence, pk=pk)
    return _serve(ev.file, filename=ev.original_name, content_type=ev.content_type)


def final_photo(request, pk):
    ph = get_object_or_404(FinalReportPhoto, pk=pk)
    return _serve(ph.file, filename=f"final-{ph.pk}{ph.file.name[-4:]}", content_type=ph.content_type)


def report_pdf(request, pk):
    r = get_object_or_404(QuarterlyReport.objects.exclude(pdf=""), pk=pk)
    return _serve(r.pdf, filename=f"report-{r.project_id}-{r.quarter}.pdf", content_type="application/pdf")


def _serve(fieldfile, *, filename, content_type):
    """A record whose file is gone from storage (a restored database, a cleaned media folder) is a 404."""
    try:
        return file_response(fieldfile, filename=filename, content_type=content_type)
    except FileNotFoundError:
        raise Http404
