"""Review-panel pages: list, planning, the panel page (appointments, commitment, draw, absences,
opening and closing scoring, results) and its downloads (draw files, verifier, open data, PDF)."""
import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors, form_errors
from pbcity.models import Cycle, District
from pbcity.opendata import csv_write
from pbcity.pdf import pdf_response
from pbcity.permissions import role_assignments
from pbcity.roles import Role

from .. import permissions as perm
from .. import selectors, services
from ..forms.panel import AbsenceForm, CommitForm, DrawForm, PanelAppointForm, PanelPlanForm
from ..models import ReviewPanel
from .common import current_cycle, get_or_404

VERIFIER = Path(settings.BASE_DIR) / "scripts" / "verify_panel_draw.py"


def _office_districts(user):
    ids = [ra.district_id for ra in role_assignments(user) if ra.role == Role.DISTRICT_OFFICE]
    return [d for d in District.objects.filter(pk__in=ids).order_by("code") if perm.can_plan_panel(d, user)]


def panel_index(request):
    cycle = current_cycle(request)
    return render(request, "deliberation/panel_index.html", {
        "cycle": cycle, "cycles": Cycle.objects.all(),
        "panels": selectors.panel_list(cycle=cycle) if cycle else [],
        "office_districts": _office_districts(request.user),
    })


@login_required
def panel_new(request):
    districts = _office_districts(request.user)
    if not districts:
        raise PermissionDenied
    cycle = current_cycle(request)
    if cycle is None:
        raise Http404
    form = PanelPlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("district", "")
        district = next((d for d in districts if str(d.pk) == chosen), None) if len(districts) > 1 else districts[0]
        if district is None:
            form.add_error(None, _("Please choose one of your districts."))
        if district is not None and form.is_valid():
            try:
                panel = services.panel_plan(actor=request.user, cycle=cycle, district=district, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Review panel planned."))
                return redirect(panel)
        status = 400
    return render(request, "deliberation/panel_new.html",
                  {"form": form, "cycle": cycle, "districts": districts}, status=status)


def _panel(pk) -> ReviewPanel:
    return get_or_404(selectors.panel_by_id, pk=pk)


def _panel_page(request, panel, status=200, **forms):
    user = request.user
    can_draw = perm.can_run_draw(panel, user)
    can_sit = perm.can_run_sitting(panel, user)
    seats = selectors.panel_seats(panel=panel)
    my_seat = selectors.panel_seat_of(panel=panel, user=user)
    ctx = {
        "panel": panel, "seats": seats, "my_seat": my_seat,
        "commitment": getattr(panel, "commitment", None), "draw": getattr(panel, "draw", None),
        "pools": selectors.draw_pools_summary(panel=panel),
        "can_draw": can_draw, "can_sit": can_sit,
        "can_score": perm.can_score(panel, user),
        "show_link": perm.can_join_online(panel, user),
        "show_allowances": panel.state == ReviewPanel.State.CLOSED and perm.can_view_allowances(panel, user),
        "results": selectors.panel_results(panel=panel) if perm.can_view_all_scores(panel, user) else [],
    }
    if perm.can_appoint_panel(panel, user):
        initial = {s.seat_type: s.user_id for s in seats if s.source == "appointed"}
        ctx["appoint_form"] = forms.get("appoint_form") or PanelAppointForm(initial=initial)
    if can_draw and panel.state == ReviewPanel.State.PLANNED:
        ctx["commit_form"] = forms.get("commit_form") or CommitForm()
    if can_draw and panel.state == ReviewPanel.State.COMMITTED:
        ctx["draw_form"] = forms.get("draw_form") or DrawForm()
    if can_sit and panel.state in (ReviewPanel.State.DRAWN, ReviewPanel.State.SCORING):
        for seat in seats:
            if seat.status == "seated":
                seat.absence_form = (forms["absence_form"] if forms.get("absent_seat") == seat.pk
                                     else AbsenceForm(prefix=f"s{seat.pk}"))
    if panel.state == ReviewPanel.State.SCORING and (can_sit or my_seat):
        ctx["progress"] = selectors.panel_scoring_progress(panel=panel)
        ctx["missing"] = len(selectors.scoring_missing(panel=panel))
    if ctx["show_allowances"]:
        ctx["allowances"] = selectors.panel_allowances(panel=panel)
    if user.is_authenticated and ctx["commitment"] is not None:
        entry = ctx["commitment"].entries.filter(user=user).first()
        ctx["my_entry"] = entry
        if entry is not None:
            ctx["my_probability"] = selectors.draw_probability(panel=panel, pseudonym=entry.pseudonym)
    return render(request, "deliberation/panel_detail.html", ctx, status=status)


def panel_detail(request, pk):
    return _panel_page(request, _panel(pk))


def _post(request, pk, *, allowed, form_class, key, run, ok):
    """Check the predicate, validate, run the service, redirect; on error the page again with the input kept
    (the shape of premeeting._post, over a panel)."""
    panel = _panel(pk)
    if not allowed(panel, request.user):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(panel, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect(panel)
    return _panel_page(request, _panel(pk), status=400, **{key: form})


@login_required
@require_POST
def panel_appoint(request, pk):
    return _post(request, pk, allowed=perm.can_appoint_panel, form_class=PanelAppointForm, key="appoint_form",
                 run=lambda panel, data: services.panel_appoint(panel=panel, actor=request.user, **data),
                 ok=_("Host, co-host and vice-host appointed."))


@login_required
@require_POST
def panel_commit(request, pk):
    return _post(request, pk, allowed=perm.can_run_draw, form_class=CommitForm, key="commit_form",
                 run=lambda panel, data: services.panel_commit(panel=panel, actor=request.user, **data),
                 ok=_("Commitment published. Nothing in the pools can change now."))


@login_required
@require_POST
def panel_draw(request, pk):
    return _post(request, pk, allowed=perm.can_run_draw, form_class=DrawForm, key="draw_form",
                 run=lambda panel, data: services.panel_draw(panel=panel, actor=request.user,
                                                             random_value=data["random_value"]),
                 ok=_("The panel is drawn. Anyone can check it with the verifier."))


@login_required
@require_POST
def panel_absent(request, pk, seat_pk):
    panel = _panel(pk)
    if not perm.can_run_sitting(panel, request.user):
        raise PermissionDenied
    seat = get_object_or_404(panel.seats, pk=seat_pk)
    form = AbsenceForm(request.POST, prefix=f"s{seat.pk}")
    if form.is_valid():
        try:
            new = services.panel_mark_absent(panel=panel, actor=request.user, seat=seat,
                                             reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if new is not None:
                messages.success(request, _("Recorded as absent; the next alternate, %(name)s, takes the seat.")
                                 % {"name": new.user})
            else:
                messages.warning(request, _("Recorded as absent; this seat is not refilled."))
            return redirect(panel)
    return _panel_page(request, _panel(pk), status=400, absence_form=form, absent_seat=seat.pk)


def _act(request, pk, run, ok):
    """A form-less step of the sitting (open or close scoring); a refusal is flashed on the panel page."""
    panel = _panel(pk)
    if not perm.can_run_sitting(panel, request.user):
        raise PermissionDenied
    try:
        run(panel=panel, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, ok)
    return redirect(panel)


@login_required
@require_POST
def panel_open(request, pk):
    return _act(request, pk, services.panel_open_scoring, _("Scoring is open."))


@login_required
@require_POST
def panel_close(request, pk):
    return _act(request, pk, services.panel_close,
                _("Scoring closed; every proposal has moved on by the panel's lights."))


# -- downloads -----------------------------------------------------------------------------------

def _json_response(body, filename):
    resp = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True),
                        content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["Access-Control-Allow-Origin"] = "*"
    return resp


def draw_input(request, pk):
    panel = _panel(pk)
    doc = selectors.draw_input_document(panel=panel)
    if doc is None:
        raise Http404
    return _json_response(doc, f"panel-{panel.pk}-draw-input.json")


def draw_result(request, pk):
    panel = _panel(pk)
    doc = selectors.draw_result_document(panel=panel)
    if doc is None:
        raise Http404
    return _json_response(doc, f"panel-{panel.pk}-draw-result.json")


def draw_verifier(request):
    resp = FileResponse(VERIFIER.open("rb"), content_type="text/x-python; charset=utf-8", as_attachment=True,
                        filename="verify_panel_draw.py")
    return resp


def _closed(pk) -> ReviewPanel:
    panel = _panel(pk)
    if panel.state != ReviewPanel.State.CLOSED:
        raise Http404
    return panel


def scores_csv(request, pk):
    panel = _closed(pk)
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="panel-{panel.pk}-scores.csv"'
    csv_write(resp, selectors.scores_open_data(panel=panel))
    return resp


def scores_json(request, pk):
    panel = _closed(pk)
    return _json_response(selectors.scores_document(panel=panel), f"panel-{panel.pk}-scores.json")


def allowances_csv(request, pk):
    panel = _closed(pk)
    if not perm.can_view_allowances(panel, request.user):
        raise PermissionDenied
    rows = [{"panel": panel.pk, "district": panel.district.code, "sitting": a.sitting_on.isoformat(),
             "seat": a.seat.seat_type, "name": a.member.name or str(a.member), "email": a.member.email,
             "amount_ntd": a.amount_ntd} for a in selectors.panel_allowances(panel=panel)]
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="panel-{panel.pk}-allowances.csv"'
    csv_write(resp, rows)
    return resp


def report_pdf(request, pk):
    panel = _closed(pk)
    return pdf_response(request, "deliberation/panel_report_pdf.html", {
        "panel": panel, "seats": selectors.panel_seats(panel=panel), "results": selectors.panel_results(panel=panel),
        "commitment": panel.commitment, "draw": panel.draw,
    }, filename=f"panel-{panel.pk}-report.pdf")
