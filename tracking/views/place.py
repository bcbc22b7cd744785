"""The lead agency refines where a project is (docs/decisions.md, "Places")."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pbcity.errors import form_errors
from places.picker import picked_point, picker_context

from .. import permissions as perm
from .. import services
from ..forms import PointForm
from ..models import Project


@login_required
def project_place(request, pk):
    project = get_object_or_404(Project.objects.select_related("proposal__village", "lead_agency"), pk=pk)
    if not perm.can_refine_point(project, request.user):
        raise PermissionDenied(_("Only the lead agency may refine the project's place."))
    point = project.place_point or (None, None)
    initial = {"point_lon": point[0], "point_lat": point[1]}
    shown = picked_point(request.POST) if request.method == "POST" else None
    form = PointForm(initial=shown) if shown is not None else PointForm(request.POST or None, initial=initial)
    if shown is None and request.method == "POST" and form.is_valid():
        try:
            services.project_point_refine(project=project, actor=request.user, point_lon=form.cleaned_data["point_lon"],
                                          point_lat=form.cleaned_data["point_lat"], reason=form.cleaned_data["reason"])
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The project's place was refined."))
            return redirect(project)
    values = shown or (request.POST if request.method == "POST" else initial)
    picker = picker_context(project.proposal.village_id, values.get("point_lon"), values.get("point_lat"))
    return render(request, "tracking/place.html", {"project": project, "form": form, "picker": picker},
                  status=400 if form.is_bound and form.errors else 200)
