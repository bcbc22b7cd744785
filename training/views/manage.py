"""Staff pages that schedule: training sessions (civil affairs) and consultation slots (district office)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pbcity.errors import form_errors
from pbcity.models import District
from pbcity.permissions import role_assignments
from pbcity.roles import Role

from .. import permissions as perm
from .. import services
from ..forms import SessionForm, SlotForm


@login_required
def session_new(request):
    if not perm.can_manage_training(request.user):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The session has been scheduled."))
            return redirect(session.get_absolute_url())
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "training/manage_form.html", {
        "form": form, "title": _("Schedule a session"), "submit": _("Schedule"),
    }, status=400 if form.errors else 200)


@login_required
def slot_new(request):
    ids = [ra.district_id for ra in role_assignments(request.user) if ra.role == Role.DISTRICT_OFFICE]
    districts = District.objects.filter(pk__in=[d for d in ids if perm.can_manage_consultation_slots(d, request.user)])
    if not districts.exists():
        raise PermissionDenied
    form = SlotForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_slot_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The consultation slot is open for booking."))
            return redirect("training:desk")
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "training/manage_form.html", {
        "form": form, "title": _("Open a consultation slot"), "submit": _("Open the slot"),
    }, status=400 if form.errors else 200)
