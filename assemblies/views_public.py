"""Public pages: the list, the briefing, registration, results, projector view and exports."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.opendata import csv_write
from pbcity.pdf import pdf_response
from pbcity.selectors import cycle_from_query

from . import permissions as perm
from . import selectors, services
from .models import Assembly


def _get(pk) -> Assembly:
    try:
        return selectors.assembly_get(pk=pk)
    except Assembly.DoesNotExist as exc:
        raise Http404 from exc


def _closed(pk) -> Assembly:
    a = _get(pk)
    if a.status != Assembly.Status.CLOSED:
        raise Http404(_("Results are published when the vote closes."))
    return a


def assembly_list(request):
    cycles, cycle = cycle_from_query(request.GET)
    rows = list(selectors.assembly_list(cycle=cycle))
    return render(request, "assemblies/list.html", {
        "upcoming": [a for a in rows if a.status != Assembly.Status.CLOSED],
        "closed": [a for a in rows if a.status == Assembly.Status.CLOSED],
        "cycles": cycles, "cycle": cycle,
    })


def assembly_detail(request, pk):
    a = _get(pk)
    mine = a.attendees.filter(user=request.user).first() if request.user.is_authenticated else None
    return render(request, "assemblies/detail.html", {
        "assembly": a, "past": selectors.past_successes(assembly=a), "mine": mine,
        "can_run": perm.can_run(a, request.user), "can_register": perm.can_register(a, request.user),
        "can_self_sign_in": perm.can_self_sign_in(a, mine, request.user),
        "items": selectors.items(assembly=a).order_by("id"),
    })


@login_required
@require_POST
def assembly_register(request, pk):
    a = _get(pk)
    try:
        services.attendee_register(assembly=a, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(a)
    messages.success(request, _("You are registered. Show this code at the door."))
    return redirect("assemblies:my_code", pk=a.pk)


@login_required
def my_code(request, pk):
    a = _get(pk)
    mine = a.attendees.filter(user=request.user).first()
    if mine is None:
        return redirect(a)
    return render(request, "assemblies/my_code.html", {
        "assembly": a, "mine": mine, "can_self_sign_in": perm.can_self_sign_in(a, mine, request.user),
    })


@login_required
def my_code_qr(request, pk):
    """The registration code as a QR (SVG); a door scanner types it into the sign-in field."""
    import qrcode
    import qrcode.image.svg

    mine = _get(pk).attendees.filter(user=request.user).first()
    if mine is None:
        raise Http404
    img = qrcode.make(mine.code, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return HttpResponse(img.to_string(), content_type="image/svg+xml")


@login_required
@require_POST
def online_sign_in(request, pk):
    a = _get(pk)
    try:
        services.attendee_self_sign_in(assembly=a, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(a)
    messages.success(request, _("You are signed in. You can vote with your code when voting opens."))
    return redirect("assemblies:my_code", pk=a.pk)


def _results_context(a):
    return {"assembly": a, "rows": selectors.results(assembly=a), "lot": getattr(a, "tie_break", None),
            "majority": selectors.majority_needed(assembly=a)}


def results(request, pk):
    a = _closed(pk)
    return render(request, "assemblies/results.html", _results_context(a))


def screen(request, pk):
    """Full-screen view for the room's projector; it refreshes itself while the vote runs."""
    a = _get(pk)
    ctx = {"assembly": a, "progress": selectors.vote_progress(assembly=a),
           "majority": selectors.majority_needed(assembly=a)}
    if a.status == Assembly.Status.CLOSED:
        ctx.update(_results_context(a))
    else:
        ctx["rows"] = selectors.items(assembly=a).order_by("id")
    template = "assemblies/_screen_body.html" if request.htmx else "assemblies/screen.html"
    return render(request, template, ctx)


def results_pdf(request, pk):
    a = _closed(pk)
    return pdf_response(request, "assemblies/results_pdf.html", _results_context(a),
                        filename=f"assembly-{a.pk}-results.pdf")


def results_csv(request, pk):
    rows = selectors.export_rows(assembly=_closed(pk))
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="assembly-{pk}-results.csv"'
    csv_write(resp, rows)
    return resp


def results_json(request, pk):
    body = selectors.results_document(assembly=_closed(pk))
    resp = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    resp["Access-Control-Allow-Origin"] = "*"
    return resp
