from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors

from .. import permissions as perm
from .. import selectors, services
from ..forms import CourseFilterForm
from ..models import Course, Registration, Session


def index(request):
    """The course catalogue."""
    form = CourseFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    return render(request, "training/index.html", {
        "form": form, "courses": selectors.course_list(kind=kind),
        "sessions": selectors.sessions_open()[:8], "card_level": perm.card_level(request.user),
        "can_manage": perm.can_manage_training(request.user),
    })


def course_detail(request, code):
    course = get_object_or_404(Course, code=code)
    return render(request, "training/course.html",
                  {"course": course, "sessions": selectors.sessions_open(course=course)})


def session_detail(request, pk, status=200):
    session = get_object_or_404(Session.objects.select_related("course", "trainer", "district"), pk=pk)
    reg = selectors.registration_of(session=session, user=request.user)
    return render(request, "training/session.html", {
        "session": session, "registration": reg,
        "position": selectors.waiting_position(registration=reg) if reg else None,
        "taken": selectors.seats_taken(session=session),
        "can_checkin": perm.can_view_checkin(session, request.user),
        "active": reg is not None and reg.status != Registration.Status.CANCELLED,
    }, status=status)


@login_required
@require_POST
def session_register(request, pk):
    session = get_object_or_404(Session, pk=pk)
    try:
        reg = services.session_register(session=session, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
        return session_detail(request, pk, status=400)
    if reg.status == Registration.Status.REGISTERED:
        messages.success(request, _("You are registered. See you there!"))
    else:
        messages.warning(
            request, _("The session is full; you are on the waiting list and will be told if a seat frees up."))
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def session_cancel(request, pk):
    session = get_object_or_404(Session, pk=pk)
    try:
        services.session_cancel_registration(session=session, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return session_detail(request, pk, status=400)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect(session.get_absolute_url())
