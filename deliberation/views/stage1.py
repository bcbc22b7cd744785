"""Stage-1 pages: convening a session, the session page with opinions, suggestions and revisions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import form_errors
from proposals import permissions as proposal_perm
from proposals.models import Proposal

from .. import permissions as perm
from .. import selectors, services
from ..forms.premeeting import OpinionForm, SessionForm, SuggestionForm
from .common import current_cycle, get_or_404
from .premeeting import _chosen_district, _office_districts


@login_required
def session_new(request):
    districts = _office_districts(request.user)
    if not districts:
        raise PermissionDenied
    cycle = current_cycle(request)
    form = SessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        district = _chosen_district(request, districts)
        if form.is_valid():
            try:
                s = services.session_plan(actor=request.user, cycle=cycle, district=district, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Session planned."))
                return redirect("deliberation:session", s.pk)
        status = 400
    return render(request, "deliberation/stage1_new.html", {"form": form, "cycle": cycle, "districts": districts},
                  status=status)


def _session_page(request, session, status=200, failed=None, form=None):
    user = request.user
    proposals = selectors.session_proposals(session=session)
    can_run = perm.can_run_session(session, user)
    for p in proposals:
        ids = perm.acting_agency_ids(p, user) if perm.can_give_opinion(p, user) else []
        p.can_revise_here = proposal_perm.can_revise(p, user)
        p.opinion_form = None
        p.suggestion_form = None
        if ids:
            p.opinion_form = form if failed == ("opinion", p.pk) else OpinionForm(agency_ids=ids, prefix=f"o{p.pk}")
        if can_run and session.experts.exists():
            p.suggestion_form = form if failed == ("suggestion", p.pk) else SuggestionForm(
                experts=session.experts.all(), prefix=f"s{p.pk}")
    return render(request, "deliberation/stage1_session.html",
                  {"session": session, "proposals": proposals, "can_run": can_run}, status=status)


def session_detail(request, pk):
    return _session_page(request, get_or_404(selectors.session_detail, pk=pk))


@login_required
@require_POST
def opinion_add(request, pk, proposal_pk):
    session = get_or_404(selectors.session_detail, pk=pk)
    proposal = get_object_or_404(Proposal.objects.select_related("lead_agency"), pk=proposal_pk)
    if not perm.can_give_opinion(proposal, request.user):
        raise PermissionDenied
    form = OpinionForm(request.POST, agency_ids=perm.acting_agency_ids(proposal, request.user),
                       prefix=f"o{proposal.pk}")
    if form.is_valid():
        try:
            services.opinion_record(session=session, proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Opinion recorded."))
            return redirect("deliberation:session", session.pk)
    return _session_page(request, session, status=400, failed=("opinion", proposal.pk), form=form)


@login_required
@require_POST
def suggestion_add(request, pk, proposal_pk):
    session = get_or_404(selectors.session_detail, pk=pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk)
    if not perm.can_run_session(session, request.user):
        raise PermissionDenied
    form = SuggestionForm(request.POST, experts=session.experts.all(), prefix=f"s{proposal.pk}")
    if form.is_valid():
        try:
            services.suggestion_record(session=session, proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Suggestion recorded."))
            return redirect("deliberation:session", session.pk)
    return _session_page(request, session, status=400, failed=("suggestion", proposal.pk), form=form)


__all__ = ["opinion_add", "session_detail", "session_new", "suggestion_add"]
