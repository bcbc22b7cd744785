"""Pages of the counting rules: past elections of other cities, `.pb` files and the rule comparison."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pbcity import search
from pbcity.errors import flash_errors, form_errors
from pbcity.validators import validate_single_line
from voting import permissions as perm
from voting.models import ArchivedElection, Round
from voting.selectors import counting as sel
from voting.services import archive as services


class ArchiveImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("pabulib file (.pb)"),
        help_text=gettext_lazy("Projects, costs and ballots in the pabulib format (pabulib.org)."),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=gettext_lazy("Leave empty to use the file's description."),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=300,
        validators=[validate_single_line],
        help_text=gettext_lazy("Where the file comes from, e.g. “pabulib.org, Assen 2024”."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".pb"):
            raise ValidationError(_("Please choose a .pb file."))
        return f


def archive_list(request):
    can_import = perm.can_import_archive(None, request.user)
    q = search.clean_query(request.GET.get("q"))
    elections = sel.archived_elections(text=q)
    if not can_import:
        elections = elections.filter(status=ArchivedElection.Status.DONE)
    form = ArchiveImportForm(request.POST or None, request.FILES or None) if can_import else None
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        if form.is_valid():
            try:
                job = services.archive_import_start(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    source=form.cleaned_data["source"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors(form, exc)
            else:
                return redirect("voting:archive_detail", pk=job.pk)
        status = 400
    return render(request, "voting/archive_list.html", {"elections": elections, "form": form, "q": q},
                  status=status)


def archive_detail(request, pk):
    election = get_object_or_404(ArchivedElection.objects.select_related("imported_by"), pk=pk)
    if not perm.can_view_archive(election, request.user):
        raise Http404
    if request.htmx and election.status != ArchivedElection.Status.DONE:
        return render(request, "voting/_archive_progress.html", {"election": election})
    ctx = {"election": election}
    if election.status == ArchivedElection.Status.DONE:
        ctx["cmp"] = sel.comparison(election=election)
        ctx["meta"] = sorted(election.meta.items())
    return render(request, "voting/archive_detail.html", ctx)


def archive_pb(request, pk):
    election = get_object_or_404(ArchivedElection, pk=pk, status=ArchivedElection.Status.DONE)
    response = HttpResponse(sel.archive_pb_text(election=election), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.file_name}"'
    return response


def _tallied_round(pk) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("cycle", "district"), pk=pk)
    if not perm.can_view_results(round_, None):
        raise Http404  # counts stay hidden until the results are published
    return round_


def round_compare(request, pk):
    round_ = _tallied_round(pk)
    return render(
        request,
        "voting/round_compare.html",
        {
            "round": round_,
            "cmp": sel.comparison(round_=round_),
            "can_compute": perm.can_compare_round(round_, request.user),
        },
    )


@login_required
@require_POST
def round_compare_compute(request, pk):
    round_ = _tallied_round(pk)
    try:
        services.rule_outcomes_request(round_=round_, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The comparison is being computed; it appears here when it is ready."))
    return redirect("voting:round_compare", pk=round_.pk)


def round_pb(request, pk):
    round_ = _tallied_round(pk)
    response = HttpResponse(sel.round_pb_text(round_=round_), content_type="text/plain; charset=utf-8")
    name = f"Taiwan_Taipei_{round_.cycle.year}_{round_.district.code}.pb"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def recount_script(request):
    """The standalone recount script, as committed in the repository (scripts/recount_pb.py)."""
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "scripts" / "recount_pb.py"
    response = HttpResponse(path.read_text(encoding="utf-8"), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recount_pb.py"'
    return response
