"""Staff and recorder pages: plan, run the desk, set up tables, record proposals, count, close."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import error_messages, flash_errors, form_errors
from pbcity.models import District
from pbcity.permissions import acts_as
from pbcity.roles import Role
from places.picker import picked_point, picker_context

from . import permissions as perm
from . import selectors, services
from .forms import AssemblyForm, CodeForm, CountForm, RecordForm, SeatForm, TableForm, WalkInForm
from .models import Assembly, AssemblyProposal
from .views_public import _get


def _run(request, pk) -> Assembly:
    a = _get(pk)
    if not perm.can_run(a, request.user):
        raise PermissionDenied(_("Only the district office running this assembly may do this."))
    return a


@login_required
def assembly_new(request):
    districts = District.objects.filter(
        pk__in=[d.pk for d in District.objects.all() if acts_as(request.user, Role.DISTRICT_OFFICE, district_id=d.pk)]
    )
    if not districts.exists():
        raise PermissionDenied(_("Only district-office staff plan assemblies."))
    form = AssemblyForm(request.POST or None, districts=districts,
                        initial={"district": districts.first(), "top_k": 3, "votes_per_attendee": 2})
    if request.method == "POST" and form.is_valid():
        try:
            a = services.assembly_plan(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Assembly planned. Residents can now register."))
            return redirect("assemblies:manage", pk=a.pk)
    return render(request, "assemblies/form.html", {"form": form, "heading": _("Plan a resident assembly")})


@login_required
def assembly_edit(request, pk):
    a = _run(request, pk)
    form = AssemblyForm(request.POST or None, instance=Assembly.objects.get(pk=pk), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.assembly_update(assembly=a, actor=request.user, reason=form.cleaned_data["reason"],
                                     **{f: form.cleaned_data[f] for f in services.PLAN_FIELDS})
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("assemblies:manage", pk=a.pk)
    return render(request, "assemblies/form.html", {"form": form, "assembly": a, "heading": _("Edit the plan")})


@login_required
def manage(request, pk):
    a = _run(request, pk)
    return render(request, "assemblies/manage.html", {
        "assembly": a, "items": selectors.items(assembly=a).order_by("id"), **selectors.attendance(assembly=a),
        "tables": selectors.tables(assembly=a), "progress": selectors.vote_progress(assembly=a),
        "changes": selectors.changes(assembly=a),
    })


STEPS = {"open": services.assembly_open, "vote": services.vote_open, "close": services.assembly_close}
STEP_DONE = {"open": _("The assembly is in session: sign-in is open."),
             "vote": _("Voting is open. The number present is now fixed."),
             "close": _("The vote is closed and the results are recorded.")}


@login_required
@require_POST
def assembly_step(request, pk):
    a = _run(request, pk)
    step = request.POST.get("step", "")
    if step not in STEPS:
        messages.error(request, _("Unknown action."))
        return redirect("assemblies:manage", pk=pk)
    try:
        STEPS[step](assembly=a, actor=request.user)
    except (PermissionDenied, ValidationError) as exc:
        flash_errors(request, exc)
        return redirect("assemblies:manage", pk=pk)
    messages.success(request, STEP_DONE[step])
    return redirect("assemblies:results" if step == "close" else "assemblies:manage", pk=pk)


# -- sign-in desk -----------------------------------------------------------------------

def _desk(request, a, *, status=200, feedback=None, ok=True, code_form=None, walk_form=None):
    if request.htmx:  # htmx swaps only 2xx responses; the message inside says what went wrong
        status = 200
    ctx = {"assembly": a, "code_form": code_form or CodeForm(), "walk_form": walk_form or WalkInForm(),
           "feedback": feedback, "ok": ok, **selectors.attendance(assembly=a)}
    template = "assemblies/_desk_panel.html" if request.htmx else "assemblies/desk.html"
    resp = render(request, template, ctx, status=status)
    resp["X-Desk-Ok"] = "1" if ok else "0"  # the desk's forms clear themselves only after a success
    return resp


@login_required
def desk(request, pk):
    return _desk(request, _run(request, pk))


@login_required
@require_POST
def desk_sign_in(request, pk):
    a = _run(request, pk)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _desk(request, a, status=400, feedback=_("Please type or scan a code."), ok=False, code_form=form)
    try:
        att = services.attendee_sign_in(assembly=a, actor=request.user, code=form.cleaned_data["code"],
                                        village_code=form.cleaned_data["village_code"])
    except (PermissionDenied, ValidationError) as exc:
        return _desk(request, a, status=400, feedback=" ".join(error_messages(exc)), ok=False)
    return _desk(request, a, feedback=_("Welcome, %(name)s.") % {"name": att.name})


@login_required
@require_POST
def desk_walk_in(request, pk):
    a = _run(request, pk)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return _desk(request, a, status=400, feedback=_("Please give the attendee's name."), ok=False, walk_form=form)
    try:
        att = services.attendee_walk_in(assembly=a, actor=request.user, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as exc:
        return _desk(request, a, status=400, feedback=" ".join(error_messages(exc)), ok=False, walk_form=form)
    return _desk(request, a, feedback=_("%(name)s signed in. Their voting code is %(code)s.")
                 % {"name": att.name, "code": att.code})


@login_required
@require_POST
def desk_left(request, pk, attendee):
    a = _run(request, pk)
    att = get_object_or_404(a.attendees, pk=attendee)
    try:
        services.attendee_mark_left(attendee=att, actor=request.user)
    except (PermissionDenied, ValidationError) as exc:
        return _desk(request, a, status=400, feedback=" ".join(error_messages(exc)), ok=False)
    return _desk(request, a, feedback=_("%(name)s has left.") % {"name": att.name})


# -- tables and proposals -----------------------------------------------------------------

@login_required
def tables(request, pk):
    a = _get(pk)
    if not perm.can_record_somewhere(a, request.user):
        raise PermissionDenied(_("Tables are managed by the district office and their recorders."))
    can_run = perm.can_run(a, request.user)
    form = TableForm(request.POST or None)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.table_add(assembly=a, actor=request.user, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Table added."))
                return redirect("assemblies:tables", pk=pk)
    rows = [{"table": t, "seat_form": SeatForm(assembly=a, prefix=f"t{t.pk}") if can_run else None,
             "can_record": perm.can_record_at(t, request.user)} for t in selectors.tables(assembly=a)]
    return render(request, "assemblies/tables.html", {"assembly": a, "rows": rows, "form": form, "can_run": can_run,
                                                      "unseated": a.attendees.filter(signed_in_at__isnull=False,
                                                                                     left_at__isnull=True,
                                                                                     table__isnull=True)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def table_seat(request, pk, table):
    a = _run(request, pk)
    t = get_object_or_404(a.tables, pk=table)
    form = SeatForm(request.POST, assembly=a, prefix=f"t{t.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose the attendees to seat."))
    else:
        try:
            n = services.attendee_seat(table=t, actor=request.user, attendees=form.cleaned_data["attendees"])
        except (PermissionDenied, ValidationError) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(n)d seated at table %(t)s.") % {"n": n, "t": t.number})
    return redirect("assemblies:tables", pk=pk)


@login_required
def table_record(request, pk, table):
    a = _get(pk)
    t = get_object_or_404(a.tables.select_related("assembly", "lead", "recorder"), pk=table)
    if not perm.can_record_at(t, request.user):
        raise PermissionDenied(
            _("Only this table's recorder, holding a valid deliberation card, may enter its proposals."))
    shown = picked_point(request.POST) if request.method == "POST" else None
    if shown is not None:  # sent by the village map: show the form again, filled in, with the point
        form = RecordForm(initial=shown, table=t)
    else:
        form = RecordForm(request.POST or None, table=t)
    status = 200
    if request.method == "POST" and shown is None:
        if form.is_valid():
            try:
                item = services.assembly_proposal_record(table=t, actor=request.user, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("“%(title)s” is raised.") % {"title": item.proposal.title})
                return redirect("assemblies:table_record", pk=pk, table=t.pk)
        status = 400
    entered = AssemblyProposal.objects.filter(table=t).select_related("proposal")
    values = shown or request.POST
    picker = picker_context(values.get("village"), values.get("point_lon"), values.get("point_lat"))
    return render(request, "assemblies/table_record.html",
                  {"assembly": a, "table": t, "form": form, "entered": entered, "picker": picker}, status=status)


@login_required
def similar(request, pk):
    a = _get(pk)
    if not perm.can_record_somewhere(a, request.user):
        raise PermissionDenied
    text = " ".join(request.GET.get(f, "") for f in ("title", "problem"))[:2000]
    found = selectors.similar_for_draft(assembly=a, text=text) if text.strip() else []
    return render(request, "assemblies/_similar.html", {"found": found, "asked": bool(text.strip())})


@login_required
def hand_count(request, pk):
    a = _run(request, pk)
    if request.method == "POST":
        form = CountForm(request.POST, assembly=a)
        if form.is_valid():
            item, votes = form.cleaned_data["item"], form.cleaned_data["votes"]
            try:
                if request.POST.get("action") == "confirm":
                    services.hand_count_confirm(item=item, actor=request.user, votes=votes)
                else:
                    services.hand_count_enter(item=item, actor=request.user, votes=votes,
                                              reason=form.cleaned_data["reason"])
            except (PermissionDenied, ValidationError) as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("Count saved."))
        elif "item" in form.errors:
            messages.error(request, form.errors["item"][0])
        else:
            messages.error(request, _("Please give a number of votes."))
        return redirect("assemblies:count", pk=pk)
    return render(request, "assemblies/count.html", {
        "assembly": a, "items": selectors.items(assembly=a).order_by("id"), "changes": selectors.changes(assembly=a),
    })
