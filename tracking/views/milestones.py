"""Agency staff plan and update milestones, one at a time or by CSV."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pbcity.errors import form_errors
from pbcity.opendata import csv_write

from .. import permissions as perm
from .. import services
from ..forms import ImportForm, MilestoneForm
from ..models import Milestone, Project


def _project(pk) -> Project:
    return get_object_or_404(Project.objects.select_related("proposal", "lead_agency"), pk=pk)


def _save_evidence(form, milestone, user):
    upload = form.cleaned_data.get("evidence")
    if upload:
        services.evidence_add(milestone=milestone, actor=user, upload=upload,
                              alt_text=form.cleaned_data.get("alt_text"))


@login_required
def milestone_new(request, pk):
    project = _project(pk)
    if not perm.can_add_milestone(project, request.user):
        raise PermissionDenied(_("Only the agencies working on this open project may plan its milestones."))
    form = MilestoneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the milestone and its evidence, or neither
                m = services.milestone_create(project=project, actor=request.user, reason=form.cleaned_data["reason"],
                                              **form.milestone_fields())
                _save_evidence(form, m, request.user)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect(project)
    return render(request, "tracking/milestone_form.html",
                  {"project": project, "form": form, "title": _("New milestone")}, status=400 if form.errors else 200)


@login_required
def milestone_edit(request, pk):
    m = get_object_or_404(Milestone.objects.select_related("project__proposal", "agency"), pk=pk)
    if not perm.can_edit_milestone(m, request.user):
        raise PermissionDenied(_("Only staff of the milestone's own agency may update it."))
    # A POST is validated without the instance: the service, not the form, writes the milestone.
    form = MilestoneForm(request.POST, request.FILES) if request.method == "POST" else MilestoneForm(instance=m)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                m2 = services.milestone_update(milestone=m, actor=request.user, reason=form.cleaned_data["reason"],
                                               **form.milestone_fields())
                _save_evidence(form, m2, request.user)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Milestone updated."))
            return redirect(m.project)
    history = m.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    return render(request, "tracking/milestone_form.html",
                  {"project": m.project, "form": form, "milestone": m, "history": history,
                   "title": _("Update milestone")}, status=400 if form.errors else 200)


@login_required
def milestones_csv(request, pk):
    """Export for spreadsheets: the project's milestones (staff notes only for agencies on the project)."""
    project = _project(pk)
    if not perm.can_see_staff_notes(project, request.user):
        raise PermissionDenied(_("Only staff working on this project may export its milestones."))
    rows = [{"project": project.pk, "agency": m.agency.code,
             **{c: ("" if getattr(m, c) is None else getattr(m, c)) for c in services.CSV_COLUMNS}}
            for m in project.milestones.select_related("agency").order_by("agency_id", "planned_end", "id")]
    if not rows:
        rows = [{"project": project.pk, "agency": "", **{c: "" for c in services.CSV_COLUMNS}}]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="milestones-project-{project.pk}.csv"'
    csv_write(response, rows)
    return response


@login_required
def milestones_import(request, pk):
    project = _project(pk)
    if not perm.can_import_milestones(project, request.user):
        raise PermissionDenied(_("Only the agencies working on this open project may import its milestones."))
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            form.add_error("file", _("The file is too large (at most 1 MB)."))
        else:
            try:
                result = services.milestones_import(project=project, actor=request.user, data=upload.read(),
                                                    reason=form.cleaned_data["reason"])
            except services.ImportErrors as exc:
                row_errors = exc.rows
                form.add_error(None, _("Nothing was imported: correct the lines below and upload the file again."))
            except (ValidationError, PermissionDenied) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("%(c)d milestones added, %(u)d updated.") % {
                    "c": result["created"], "u": result["updated"]})
                return redirect(project)
    return render(request, "tracking/import.html", {"project": project, "form": form, "row_errors": row_errors,
                                                     "columns": services.CSV_COLUMNS},
                  status=400 if form.errors else 200)
