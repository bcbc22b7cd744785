"""Budget, council decision, difficulties, completion and the lifecycle steps of a project."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import form_errors

from .. import permissions as perm
from .. import services
from ..forms import (
    BudgetFigureForm,
    BudgetPathForm,
    CouncilDecisionForm,
    DifficultyForm,
    DifficultyRecordForm,
    FinalReportForm,
    TransitionForm,
)
from ..models import Difficulty, Project
from .public import project as project_page


def _project(pk) -> Project:
    return get_object_or_404(Project.objects.select_related("proposal", "lead_agency"), pk=pk)


def _run(request, project, form, call):
    """Run `call()` for a valid form; on error, show the project page again with the form and its errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(project)
    return project_page(request, project.pk, bound={form.prefix: form}, status=400)


@login_required
@require_POST
def budget(request, pk):
    project = _project(pk)
    if not perm.can_record_budget(project, request.user):
        raise PermissionDenied(_("Only the lead agency records the project's budget figures."))
    if "path-path" in request.POST:
        form = BudgetPathForm(request.POST)
        return _run(request, project, form, lambda d: services.budget_path_set(
            project=project, actor=request.user, path=d["path"], reason=d["reason"]))
    form = BudgetFigureForm(request.POST)
    return _run(request, project, form, lambda d: services.budget_figure_record(
        project=project, actor=request.user, kind=d["kind"], amount=d["amount"], as_of=d["as_of"], note=d["note"]))


@login_required
@require_POST
def council(request, pk):
    project = _project(pk)
    if not perm.can_record_council_decision(project, request.user):
        raise PermissionDenied(_("Only civil affairs records the council's decision."))
    form = CouncilDecisionForm(request.POST)
    return _run(request, project, form, lambda d: services.council_decision_record(
        project=project, actor=request.user, outcome=d["outcome"], cut_amount=d["cut_amount"],
        decided_on=d["decided_on"], note=d["note"]))


@login_required
@require_POST
def difficulty_new(request, pk):
    project = _project(pk)
    if not perm.can_raise_difficulty(project, request.user):
        raise PermissionDenied(_("Only the agencies working on this open project may raise a difficulty."))
    form = DifficultyForm(request.POST)
    return _run(request, project, form, lambda d: services.difficulty_raise(
        project=project, actor=request.user, kind=d["kind"], summary=d["summary"], details=d["details"]))


@login_required
@require_POST
def difficulty_record(request, pk):
    d = get_object_or_404(Difficulty.objects.select_related("project__proposal"), pk=pk)
    if not perm.can_respond_difficulty(d, request.user):
        raise PermissionDenied(_("Only the committee or the lead agency may record advice and coordination."))
    form = DifficultyRecordForm(request.POST, prefix=f"rec{d.pk}")
    return _run(request, d.project, form, lambda c: services.difficulty_record(
        difficulty=d, actor=request.user, kind=c["kind"], text=c["text"], held_on=c["held_on"]))


@login_required
@require_POST
def project_transition(request, pk, name):
    project = _project(pk)
    if name not in services.PROJECT_TRANSITIONS:
        raise PermissionDenied
    form = TransitionForm(request.POST, prefix=name)
    return _run(request, project, form, lambda d: services.project_transition(
        project=project, actor=request.user, transition_name=name, reason=d["reason"]))


@login_required
def complete(request, pk):
    project = _project(pk)
    if not perm.can_complete(project, request.user):
        raise PermissionDenied(_("Only the lead agency completes a project in execution."))
    form = FinalReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_complete(project=project, actor=request.user, text=form.cleaned_data["text"],
                                      final_cost=form.cleaned_data["final_cost"], photos=form.photos())
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Final report published; the project is completed."))
            return redirect(project)
    return render(request, "tracking/complete.html", {"project": project, "form": form},
                  status=400 if form.errors else 200)
