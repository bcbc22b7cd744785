"""The public evaluation pages, their PDF and open data, and civil affairs' population import."""
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pbcity.models import Cycle
from pbcity.opendata import csv_write
from pbcity.tasks import enqueue
from pbcity.uploads import file_response

from . import permissions as perm
from . import presenters, selectors, services
from .forms import BuildReportForm, PopulationImportForm


def index(request):
    reports = list(selectors.published())
    can_build = perm.can_build_report(None, request.user)
    form = None
    if can_build:
        form = BuildReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            cycle = get_object_or_404(Cycle, year=request.POST.get("year") or 0)
            services.report_claim(cycle=cycle, period=form.cleaned_data["period"])
            enqueue("evaluation.tasks.build_report", cycle.pk, form.cleaned_data["period"])
            messages.success(request, _("The report is being built; it appears here when it is ready."))
            return redirect("evaluation:index")
    return render(request, "evaluation/index.html", {
        "reports": reports, "form": form, "cycles": Cycle.objects.order_by("-year") if can_build else []})


def _report(year, period=None):
    report = selectors.report_for(year=year, period=period)
    if report is None:
        raise Http404
    return report


def report(request, year, period=None):
    r = _report(year, period)
    return render(request, "evaluation/report.html", {
        **presenters.report_context(r), "periods": selectors.published(cycle=r.cycle)})


def report_pdf(request, year, period, lang):
    r = _report(year, period)
    field = {"zh-hant": r.pdf_zh, "en": r.pdf_en}.get(lang)
    if not field:
        raise Http404
    try:
        return file_response(field, filename=f"evaluation-{year}-{period}-{lang}.pdf", content_type="application/pdf")
    except FileNotFoundError:
        raise Http404 from None


def report_json(request, year, period):
    r = _report(year, period)
    resp = JsonResponse({"cycle": year, "period": r.period, "kind": r.kind, "built_at": r.built_at.isoformat(),
                         **r.data, "appendix": r.appendix}, json_dumps_params={"ensure_ascii": False, "indent": 1})
    resp["Content-Disposition"] = f'attachment; filename="evaluation-{year}-{r.period}.json"'
    return resp


def report_csv(request, year, period):
    r = _report(year, period)
    buf = io.StringIO()
    csv_write(buf, presenters.csv_rows(r))
    resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="evaluation-{year}-{r.period}.csv"'
    return resp


def population(request):
    if not perm.can_import_population(None, request.user):
        raise PermissionDenied(_("Only civil-affairs staff import the population table."))
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["file"]
        try:
            record = services.population_import(year=form.cleaned_data["year"], text=form.cleaned_data["file"],
                                                 source_name=upload.name, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("Imported %(rows)d rows for %(year)d (%(people)s residents).") % {
                "rows": record.rows, "year": record.year, "people": f"{record.residents:,}"})
            return redirect("evaluation:population")
    return render(request, "evaluation/population.html", {
        "form": form, "years": selectors.population_summary()})
