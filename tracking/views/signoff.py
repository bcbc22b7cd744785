"""The proposers' sign-off on a change, and councillors' questions with the agency's public answers."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import form_errors

from .. import permissions as perm
from .. import rules, selectors, services
from ..forms import AnswerForm, ChangeForm, OfficeAnswerForm, QuestionAnswerForm, QuestionForm
from ..models import ChangeRequest, CouncillorQuestion, Project
from .public import project as project_page


@login_required
def change_new(request, pk):
    project = get_object_or_404(Project.objects.select_related("proposal", "lead_agency"), pk=pk)
    if not perm.can_propose_change(project, request.user):
        raise PermissionDenied(_("Only the lead agency of this open project may propose a change."))
    form = ChangeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.change_propose(project=project, actor=request.user, **form.change_fields())
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The change was sent to the proposers for their answer."))
            return redirect(req)
    return render(request, "tracking/change_form.html", {"project": project, "form": form},
                  status=400 if form.errors else 200)


def _change_context(request, pk, answer_form=None, office_form=None) -> dict:
    try:
        change, project = selectors.change_page(pk=pk)
    except ChangeRequest.DoesNotExist:
        raise Http404
    user = request.user
    mine = [pp for pp in change.waiting_for if perm.can_answer_change(change, user, pp)]
    office = perm.can_answer_for_proposer(change, user) and bool(change.waiting_for)
    ctx = {"change": change, "project": project, "can_answer": bool(mine),
           "can_answer_for": office,
           "office_may_answer": rules.office_may_answer(today=timezone.localdate(), answer_due=change.answer_due)}
    if mine:
        ctx["answer_form"] = answer_form or AnswerForm()
    if office:
        ctx["office_form"] = office_form or OfficeAnswerForm(proposers=change.waiting_for)
    return ctx


def change(request, pk):
    return render(request, "tracking/change.html", _change_context(request, pk))


@login_required
@require_POST
def change_answer(request, pk):
    req = get_object_or_404(ChangeRequest, pk=pk)
    if "office-reason" in request.POST:
        change, _project = selectors.change_page(pk=pk)
        form = OfficeAnswerForm(request.POST, proposers=change.waiting_for)
        call = lambda d: services.change_answer(request=req, actor=request.user, proposer=d["proposer"],  # noqa: E731
                                                agrees=d["agrees"], reason=d["reason"])
        kw = {"office_form": form}
    else:
        form = AnswerForm(request.POST)
        call = lambda d: services.change_answer(request=req, actor=request.user, agrees=d["agrees"],  # noqa: E731
                                                reason=d.get("reason", ""))
        kw = {"answer_form": form}
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your answer is recorded."))
            return redirect(req)
    return render(request, "tracking/change.html", _change_context(request, pk, **kw), status=400)


@login_required
@require_POST
def question_new(request, pk):
    project = get_object_or_404(Project.objects.select_related("proposal"), pk=pk)
    if not perm.can_ask_question(project, request.user):
        raise PermissionDenied(_("Only a councillor of the project's district may ask here."))
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            q = services.question_ask(project=project, actor=request.user, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your question is published; the lead agency answers by %(d)s.")
                             % {"d": q.answer_due.isoformat()})
            return redirect(project.get_absolute_url() + f"#question-{q.pk}")
    return project_page(request, project.pk, bound={"question": form}, status=400)


@login_required
@require_POST
def question_answer(request, pk):
    q = get_object_or_404(CouncillorQuestion.objects.select_related("project__proposal"), pk=pk)
    if not perm.can_answer_question(q, request.user):
        raise PermissionDenied(_("Only the project's lead agency answers a councillor's question."))
    form = QuestionAnswerForm(request.POST, prefix=f"qa{q.pk}")
    if form.is_valid():
        try:
            services.question_answer(question=q, actor=request.user, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your answer is published."))
            return redirect(q.project.get_absolute_url() + f"#question-{q.pk}")
    return project_page(request, q.project_id, bound={f"qa{q.pk}": form}, status=400)
