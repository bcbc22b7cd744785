"""The trainer's check-in page: one row per person, one tap for full hours, partial hours by number."""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import permissions as perm
from .. import selectors, services
from ..forms import WalkInForm
from ..models import Attendance, Session


def _render(request, session, *, entered=None, errors=None, walkin=None, status=200):
    rows = selectors.checkin_list(session=session)
    entered, errors = entered or {}, errors or {}
    for row in rows:
        uid = row["user"].pk
        att = row["attendance"]
        row["value"] = entered.get(uid, {}).get("hours", "" if att is None else att.hours)
        row["reason"] = entered.get(uid, {}).get("reason", "")
        row["errors"] = errors.get(uid, [])
    history = Attendance.history.filter(session_id=session.pk).select_related("history_user").order_by("-history_date")
    return render(request, "training/checkin.html", {
        "session": session, "rows": rows, "walkin": walkin or WalkInForm(), "history": history[:50],
        "has_errors": bool(errors) or bool(walkin and walkin.errors),
    }, status=status)


@login_required
def checkin(request, pk):
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    if not perm.can_view_checkin(session, request.user):
        raise Http404
    if request.method != "POST":
        return _render(request, session)
    if "walkin" in request.POST:
        return _walk_in(request, session)
    full_for = request.POST.get("full")
    entered, errors, saved = {}, {}, 0
    for row in selectors.checkin_list(session=session):
        user = row["user"]
        if full_for:
            if str(user.pk) != full_for:
                continue
            hours, reason = str(session.course.hours), request.POST.get(f"reason-{user.pk}", "")
        else:
            hours = request.POST.get(f"hours-{user.pk}", "").strip()
            reason = request.POST.get(f"reason-{user.pk}", "")
            if hours == "":
                continue
        entered[user.pk] = {"hours": hours, "reason": reason}
        try:
            services.attendance_record(actor=request.user, session=session, user=user, hours=hours, reason=reason)
            saved += 1
        except (ValidationError, PermissionDenied) as exc:
            errors[user.pk] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    if errors:
        messages.error(request, _("Some rows could not be saved; see the messages next to them."))
        return _render(request, session, entered=entered, errors=errors, status=400)
    messages.success(request, _("Attendance saved (%(n)s).") % {"n": saved})
    return redirect("training:checkin", pk=session.pk)


def _walk_in(request, session):
    form = WalkInForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error("email", _("No account uses this e-mail address; ask the participant to sign up first."))
        else:
            try:
                services.attendance_record(actor=request.user, session=session, user=user,
                                           hours=form.cleaned_data["hours"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("hours", exc.messages if isinstance(exc, ValidationError) else str(exc))
    if form.errors:
        return _render(request, session, walkin=form, status=400)
    messages.success(request, _("Attendance saved (%(n)s).") % {"n": 1})
    return redirect("training:checkin", pk=session.pk)
