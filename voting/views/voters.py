"""Voter registration and status, in-person verification (district office), household-register import
(civil affairs). The ID number is never written back into a page (docs/decisions.md, "Voting: eligibility")."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors, form_errors
from pbcity.models import Cycle
from pbcity.uploads import file_response
from voting import permissions as perm
from voting import selectors
from voting.forms.voters import DocumentForm, RegisterImportForm, VoterDecisionForm, VoterRegistrationForm
from voting.models import RegisterImport, Voter, VoterDocument
from voting.services import voters as services


def registration_cycle():
    """The cycle residents register for: the newest whose i-Voting phase has not ended."""
    today = timezone.localdate()
    return (Cycle.objects.filter(phases__phase="voting", phases__ends_on__gte=today).order_by("-year").first()
            or Cycle.objects.filter(phases__phase="voting").order_by("-year").first())


@sensitive_post_parameters("id_number")
@login_required
def voter_register(request):
    cycle = registration_cycle()
    if cycle is None:
        return render(request, "voting/voter_register.html", {"cycle": None}, status=404)
    existing = selectors.voter_for(user=request.user, cycle=cycle)
    if existing is not None:
        return redirect("voting:voter_status")
    form = VoterRegistrationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.voter_register(
                    actor=request.user, cycle=cycle, raw_id=d["id_number"], birth_date=d["birth_date"],
                    basis=d["basis"], district=d["district"], documents=[d["document"]] if d["document"] else [],
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Thank you. Your registration has been received."))
                return redirect("voting:voter_status")
        status = 400
    return render(request, "voting/voter_register.html", {"cycle": cycle, "form": form,
                                                          "first_day": services.vote_first_day(cycle=cycle)},
                  status=status)


@login_required
def voter_status(request, document_form=None, status=200):
    cycle = registration_cycle()
    voter = selectors.voter_for(user=request.user, cycle=cycle) if cycle else None
    return render(request, "voting/voter_status.html", {
        "cycle": cycle, "voter": voter, "document_form": document_form or DocumentForm(),
        "documents": list(voter.documents.all()) if voter else [],
    }, status=status)


@require_POST
@login_required
def voter_document_add(request):
    cycle = registration_cycle()
    voter = selectors.voter_for(user=request.user, cycle=cycle) if cycle else None
    if voter is None:
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return voter_status(request, document_form=form, status=400)
    try:
        services.voter_document_add(voter=voter, actor=request.user, upload=form.cleaned_data["file"])
    except (ValidationError, PermissionDenied) as exc:
        form_errors(form, exc)
        return voter_status(request, document_form=form, status=400)
    messages.success(request, _("The document was added."))
    return redirect("voting:voter_status")


@login_required
def voter_document(request, pk):
    doc = get_object_or_404(VoterDocument.objects.select_related("voter"), pk=pk)
    if not perm.can_view_voter_document(doc.voter, request.user):
        raise Http404
    return file_response(doc.file, filename=doc.original_name, content_type=doc.content_type)


@login_required
def verification_queue(request):
    if not _is_any_district_office(request.user):
        raise PermissionDenied
    q = request.GET.get("q", "")
    voters = selectors.verification_queue(user=request.user, q=q)
    return render(request, "voting/verification_queue.html",
                  {"voters": voters, "form": VoterDecisionForm(), "q": q})


def _is_any_district_office(user) -> bool:
    from pbcity.permissions import acts_as
    from pbcity.roles import Role

    return acts_as(user, Role.DISTRICT_OFFICE)


@require_POST
@login_required
def voter_decide(request, pk):
    voter = get_object_or_404(Voter, pk=pk)
    if not perm.can_verify_voter(voter, request.user):
        raise PermissionDenied
    form = VoterDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("voting:verification_queue")
    try:
        services.voter_decide(voter=voter, actor=request.user, approve=form.cleaned_data["decision"] == "verify",
                              reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Decision recorded for %(name)s.") % {"name": voter.user.name or voter.user.email})
    return redirect("voting:verification_queue")


@login_required
def register_import(request):
    cycle = registration_cycle()
    if cycle is None or not perm.can_import_register(cycle, request.user):
        raise PermissionDenied
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.register_import_start(actor=request.user, cycle=cycle, upload=form.cleaned_data["file"])
            except (ValidationError, PermissionDenied) as exc:
                form_errors(form, exc)
            else:
                return redirect("voting:register_import_detail", pk=job.pk)
        status = 400
    return render(request, "voting/register_import.html", {
        "cycle": cycle, "form": form, "imports": selectors.register_imports(cycle=cycle)[:20]}, status=status)


@login_required
def register_import_detail(request, pk):
    job = get_object_or_404(RegisterImport.objects.select_related("cycle", "imported_by"), pk=pk)
    if not perm.can_import_register(job.cycle, request.user):
        raise PermissionDenied
    template = "voting/_import_progress.html" if request.htmx else "voting/register_import_detail.html"
    return render(request, template, {"job": job})
