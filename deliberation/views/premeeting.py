"""Pre-meeting pages: index, convening, the meeting record and designation screen, principles,
exclusion categories, and the per-proposal record (contests, contacts, side tracks)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import form_errors
from pbcity.models import Cycle, District
from pbcity.permissions import role_assignments
from pbcity.roles import Role
from proposals import permissions as proposal_perm
from proposals import selectors as proposal_selectors
from proposals.models import Proposal
from proposals.states import State

from .. import permissions as perm
from .. import selectors, services
from ..forms.premeeting import (
    AssessmentForm,
    ContactForm,
    ContestDecisionForm,
    ContestForm,
    DesignationForm,
    DirectExecutionForm,
    ExclusionCategoryForm,
    ExclusionForm,
    PreMeetingForm,
    PreMeetingRecordForm,
    PrinciplesForm,
)
from ..models import DesignationContest, ExclusionCategory, PreMeeting
from .common import current_cycle, get_or_404


def _office_districts(user):
    ids = [ra.district_id for ra in role_assignments(user) if ra.role == Role.DISTRICT_OFFICE]
    return [d for d in District.objects.filter(pk__in=ids) if perm.can_plan_premeeting(d, user)]


def _chosen_district(request, districts):
    """The district picked in the form, among those the user's office serves (first one if only one)."""
    if len(districts) == 1:
        return districts[0]
    pk = request.POST.get("district", "")
    for d in districts:
        if str(d.pk) == pk:
            return d
    raise Http404


def index(request):
    cycle = current_cycle(request)
    return render(request, "deliberation/premeeting_index.html", {
        "cycle": cycle, "cycles": Cycle.objects.all(),
        "premeetings": selectors.premeeting_list(cycle=cycle) if cycle else [],
        "sessions": selectors.session_list(cycle=cycle) if cycle else [],
        "office_districts": _office_districts(request.user),
        "can_keep": cycle is not None and perm.can_keep_principles(cycle, request.user),
    })


@login_required
def premeeting_new(request):
    districts = _office_districts(request.user)
    if not districts:
        raise PermissionDenied
    cycle = current_cycle(request)
    form = PreMeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        district = _chosen_district(request, districts)
        if form.is_valid():
            try:
                pm = services.premeeting_plan(actor=request.user, cycle=cycle, district=district,
                                              held_on=form.cleaned_data["held_on"], venue=form.cleaned_data["venue"])
            except (PermissionDenied, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Pre-meeting convened."))
                return redirect("deliberation:premeeting", pm.pk)
        status = 400
    return render(request, "deliberation/premeeting_new.html",
                  {"form": form, "cycle": cycle, "districts": districts}, status=status)


def _premeeting_page(request, pm, status=200, **forms):
    agenda = selectors.premeeting_agenda(premeeting=pm)
    waiting = [p for p in agenda if p.state == State.ASSEMBLY_PASSED]
    can_run = perm.can_run_premeeting(pm, request.user)
    contests = [c for p in agenda for c in p.designation_contests.all()]
    ctx = {
        "pm": pm, "agenda": agenda, "can_run": can_run, "contests": contests,
        "principles": selectors.principles_for(cycle=pm.cycle),
    }
    if can_run:
        ctx["record_form"] = forms.get("record_form") or PreMeetingRecordForm(
            initial={"attending_agencies": pm.attending_agencies.all(), "minutes": pm.minutes})
        ctx["designation_form"] = forms.get("designation_form") or DesignationForm(proposals=waiting)
        _decision_forms(contests, forms)
    return render(request, "deliberation/premeeting_detail.html", ctx, status=status)


def _decision_forms(contests, forms):
    """One decision form per undecided contest, prefixed so that ids stay unique on the page."""
    for c in contests:
        if forms.get("failed_contest") == c.pk:
            c.form = forms["decision_form"]
        else:
            c.form = ContestDecisionForm(prefix=f"c{c.pk}")


def premeeting_detail(request, pk):
    pm = get_or_404(selectors.premeeting_detail, pk=pk)
    return _premeeting_page(request, pm)


@login_required
@require_POST
def premeeting_record(request, pk):
    pm = get_or_404(selectors.premeeting_detail, pk=pk)
    if not perm.can_run_premeeting(pm, request.user):
        raise PermissionDenied
    form = PreMeetingRecordForm(request.POST)
    if form.is_valid():
        services.premeeting_record(premeeting=pm, actor=request.user,
                                   attending_agencies=form.cleaned_data["attending_agencies"],
                                   minutes=form.cleaned_data["minutes"])
        messages.success(request, _("Attendance and minutes saved."))
        return redirect("deliberation:premeeting", pm.pk)
    return _premeeting_page(request, pm, status=400, record_form=form)


@login_required
@require_POST
def premeeting_designate(request, pk):
    pm = get_or_404(selectors.premeeting_detail, pk=pk)
    if not perm.can_run_premeeting(pm, request.user):
        raise PermissionDenied
    waiting = [p for p in selectors.premeeting_agenda(premeeting=pm) if p.state == State.ASSEMBLY_PASSED]
    form = DesignationForm(request.POST, proposals=waiting)
    if form.is_valid():
        designations = form.designations()
        if form.is_valid():  # designations() may add errors
            try:
                done = services.premeeting_designate(premeeting=pm, actor=request.user, designations=designations,
                                                     reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Agencies designated for %(n)d proposals; they have been notified.")
                                 % {"n": len(done)})
                return redirect("deliberation:premeeting", pm.pk)
    return _premeeting_page(request, pm, status=400, designation_form=form)


@login_required
@require_POST
def contest_decide(request, pk):
    contest = get_object_or_404(DesignationContest.objects.select_related("proposal"), pk=pk)
    if not perm.can_decide_contest(contest, request.user):
        raise PermissionDenied
    form = ContestDecisionForm(request.POST, prefix=f"c{contest.pk}")
    back = request.POST.get("next") or ""
    if form.is_valid():
        try:
            services.contest_decide(contest=contest, actor=request.user, outcome=form.cleaned_data["outcome"],
                                    reason=form.cleaned_data["reason"], new_lead=form.cleaned_data["new_lead"],
                                    new_co_agencies=form.cleaned_data["new_co_agencies"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            if back == "premeeting":
                pm = PreMeeting.objects.filter(cycle_id=contest.proposal.cycle_id,
                                               district_id=contest.proposal.district_id).first()
                if pm:
                    return redirect("deliberation:premeeting", pm.pk)
            return redirect("deliberation:proposal", contest.proposal_id)
    return _proposal_page(request, contest.proposal, status=400, decision_form=form, failed_contest=contest.pk)


def principles(request, year):
    cycle = get_object_or_404(Cycle, year=year)
    doc = selectors.principles_for(cycle=cycle)
    can_keep = perm.can_keep_principles(cycle, request.user)
    form, status = None, 200
    if can_keep:
        form = PrinciplesForm(request.POST or None, initial={"text": doc.text if doc else "",
                                                            "agreed_on": doc.agreed_on if doc else None})
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.principles_save(cycle=cycle, actor=request.user, text=form.cleaned_data["text"],
                                             agreed_on=form.cleaned_data["agreed_on"],
                                             reason=form.cleaned_data["reason"])
                except ValidationError as exc:
                    form_errors(form, exc)
                else:
                    messages.success(request, _("Principles saved."))
                    return redirect("deliberation:principles", cycle.year)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    versions = list(doc.history.select_related("history_user").order_by("-history_date")) if doc else []
    return render(request, "deliberation/premeeting_principles.html",
                  {"cycle": cycle, "doc": doc, "form": form, "versions": versions}, status=status)


def exclusions(request, year):
    cycle = get_object_or_404(Cycle, year=year)
    can_keep = perm.can_keep_principles(cycle, request.user)
    form, status = None, 200
    if can_keep:
        form = ExclusionCategoryForm(request.POST or None)
        if request.method == "POST":
            category = None
            pk = request.POST.get("category", "")
            if pk:
                if not (pk.isascii() and pk.isdigit() and len(pk) < 10):
                    raise Http404
                category = get_object_or_404(ExclusionCategory, pk=int(pk), cycle=cycle)
            if form.is_valid():
                try:
                    services.exclusion_category_save(cycle=cycle, actor=request.user, category=category,
                                                     **form.cleaned_data)
                except ValidationError as exc:
                    form_errors(form, exc)
                else:
                    messages.success(request, _("Exclusion category saved."))
                    return redirect("deliberation:exclusions", cycle.year)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "deliberation/premeeting_exclusions.html", {
        "cycle": cycle, "form": form,
        "categories": selectors.exclusion_categories(cycle=cycle, active_only=not can_keep),
    }, status=status)


# -- the per-proposal record: contests, contacts, side tracks --------------------------------

def _proposal(pk) -> Proposal:
    try:
        return proposal_selectors.proposal_detail(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def _proposal_page(request, proposal, status=200, **forms):
    user = request.user
    agency_ids = perm.acting_agency_ids(proposal, user)
    record = selectors.proposal_deliberation_record(proposal=proposal)
    _decision_forms(record["contests"], forms)
    ctx = {
        "proposal": proposal, **record,
        "can_view_contacts": perm.can_view_contacts(proposal, user),
        "can_decide": proposal_perm.is_district_office(proposal, user),
        "premeeting": PreMeeting.objects.filter(cycle_id=proposal.cycle_id, district_id=proposal.district_id).first(),
    }
    if perm.can_contest(proposal, user):
        ctx["contest_form"] = forms.get("contest_form") or ContestForm(agency_ids=agency_ids)
    if perm.can_log_contact(proposal, user):
        ctx["contact_form"] = forms.get("contact_form") or ContactForm(agency_ids=agency_ids)
    if perm.can_agree_direct_execution(proposal, user):
        ctx["direct_form"] = forms.get("direct_form") or DirectExecutionForm()
        ctx["direct_unmet"] = [u for a in proposal_selectors.proposal_actions(proposal=proposal, user=user)
                               if a["name"] == "agree_direct_execution" for u in a["unmet"]
                               if "deliberation" not in u]
    if perm.can_report_assessment(proposal, user):
        ctx["assessment_form"] = forms.get("assessment_form") or AssessmentForm()
    if perm.can_exclude(proposal, user):
        ctx["exclusion_form"] = forms.get("exclusion_form") or ExclusionForm(
            categories=selectors.exclusion_categories(cycle=proposal.cycle))
    return render(request, "deliberation/premeeting_proposal.html", ctx, status=status)


def proposal_record(request, pk):
    proposal = _proposal(pk)
    # Never raised: no pre-meeting ever took it up, and it may be private.
    if not (proposal_perm.can_view(proposal, request.user) and proposal.is_public):
        raise Http404
    return _proposal_page(request, proposal)


def _post(request, pk, form_class, key, run, ok, form_kwargs=None):
    """Validate, run the service, redirect; on error show the page again with the input kept."""
    proposal = _proposal(pk)
    form = form_class(request.POST, **(form_kwargs(proposal) if form_kwargs else {}))
    if form.is_valid():
        try:
            run(proposal, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect("deliberation:proposal", proposal.pk)
    return _proposal_page(request, proposal, status=400, **{key: form})


def _agencies(request):
    return lambda p: {"agency_ids": perm.acting_agency_ids(p, request.user)}


@login_required
@require_POST
def contest_raise(request, pk):
    def run(p, d):
        services.contest_raise(proposal=p, actor=request.user, agency=d["agency"], reason=d["reason"])

    if not perm.can_contest(_proposal(pk), request.user):
        raise PermissionDenied
    return _post(request, pk, ContestForm, "contest_form", run,
                 _("Contest recorded; the district office will decide."), form_kwargs=_agencies(request))


@login_required
@require_POST
def contact_add(request, pk):
    def run(p, d):
        services.contact_log(proposal=p, actor=request.user, **d)

    if not perm.can_log_contact(_proposal(pk), request.user):
        raise PermissionDenied
    return _post(request, pk, ContactForm, "contact_form", run, _("Contact logged."), form_kwargs=_agencies(request))


@login_required
@require_POST
def direct_execution(request, pk):
    def run(p, d):
        services.direct_execution_agree(proposal=p, actor=request.user, **d)

    if not perm.can_agree_direct_execution(_proposal(pk), request.user):
        raise PermissionDenied
    return _post(request, pk, DirectExecutionForm, "direct_form", run,
                 _("Direct execution agreed; the proposers have been notified."))


@login_required
@require_POST
def assessment(request, pk):
    def run(p, d):
        services.assessment_report_submit(proposal=p, actor=request.user, **d)

    if not perm.can_report_assessment(_proposal(pk), request.user):
        raise PermissionDenied
    return _post(request, pk, AssessmentForm, "assessment_form", run, _("Assessment report recorded."))


@login_required
@require_POST
def exclude(request, pk):
    def run(p, d):
        services.proposal_exclude(proposal=p, actor=request.user, **d)

    if not perm.can_exclude(_proposal(pk), request.user):
        raise PermissionDenied
    return _post(request, pk, ExclusionForm, "exclusion_form", run, _("Proposal excluded; the proposers have "
                                                                       "been notified."),
                 form_kwargs=lambda p: {"categories": selectors.exclusion_categories(cycle=p.cycle)})


__all__ = [
    "assessment", "contact_add", "contest_decide", "contest_raise", "direct_execution", "exclude", "exclusions",
    "index", "premeeting_designate", "premeeting_detail", "premeeting_new", "premeeting_record", "principles",
    "proposal_record",
]
