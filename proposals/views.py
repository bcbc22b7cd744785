from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors, form_errors
from pbcity.models import District
from pbcity.permissions import role_assignments
from pbcity.roles import Role
from pbcity.selectors import cycle_current, cycle_from_query
from pbcity.uploads import file_response
from places.picker import picked_point, picker_context

from . import permissions as perm
from . import selectors, services
from .forms import (
    AttachmentForm,
    ConsentForm,
    ContactForm,
    DesignateForm,
    DraftEditForm,
    MergeForm,
    PlaceForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    ResidentProposalForm,
    RevisionForm,
)
from .models import Attachment, Proposal


def proposal_list(request):
    form = ProposalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.proposal_list(
        cycle=filters.get("cycle"), district=filters.get("district"), state=filters.get("state"),
        category=filters.get("category"), text=filters.get("q") or "",
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "proposals/_results.html" if request.htmx else "proposals/list.html"
    # The map (places): shading counts every matching proposal, markers are this page's.
    map_district = filters.get("district")
    return render(request, template, {"form": form, "page": page, "query": query.urlencode(),
                                      "map_district": map_district,
                                      "map_counts": selectors.proposal_place_counts(qs, district=map_district)})


def _get(pk) -> Proposal:
    try:
        return selectors.proposal_detail(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, proposal, status=200, **forms):
    actions = selectors.proposal_actions(proposal=proposal, user=request.user)
    ctx = {
        "proposal": proposal,
        "actions": actions,
        "action_names": {a["name"] for a in actions},
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "failed_action": forms.get("failed_action"),
        "designate_form": forms.get("designate_form") or DesignateForm(),
        "merge_form": forms.get("merge_form") or MergeForm(proposal=proposal),
        "consent_form": ConsentForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "can_attach": perm.can_attach(proposal, request.user),
        "can_revise": perm.can_revise(proposal, request.user) and proposal.is_open,
        "can_audit": perm.can_view_audit(request.user),
        "can_correct_place": perm.can_correct_place(proposal, request.user),
        "can_edit_draft": perm.can_edit_draft(proposal, request.user),
        "consentable": [p for p in proposal.proposers.all() if perm.can_record_consent(proposal, request.user, p)],
    }
    return render(request, "proposals/detail.html", ctx, status=status)


def proposal_detail(request, pk):
    proposal = _get(pk)
    if not perm.can_view(proposal, request.user):
        raise Http404
    return _detail(request, proposal)


def _fail(request, proposal, exc, **forms):
    flash_errors(request, exc)
    status = 403 if isinstance(exc, PermissionDenied) else 400
    return _detail(request, proposal, status=status, **forms)


@login_required
@require_POST
def proposal_act(request, pk):
    proposal = _get(pk)
    form = ReasonForm(request.POST)
    name = request.POST.get("transition", "")
    if not form.is_valid():
        return _fail(request, proposal, ValidationError(_("Please give a reason.")), reason_form=form,
                     failed_action=name)
    try:
        services.proposal_transition(
            proposal=proposal, actor=request.user, transition_name=name, reason=form.cleaned_data["reason"]
        )
    except (PermissionDenied, ValidationError) as exc:
        return _fail(request, proposal, exc, reason_form=form, failed_action=name)
    messages.success(request, _("Done. The proposers have been notified."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_designate(request, pk):
    proposal = _get(pk)
    form = DesignateForm(request.POST)
    if not form.is_valid():
        return _fail(request, proposal, ValidationError(_("Please correct the form.")), designate_form=form)
    try:
        services.proposal_designate_agencies(
            proposal=proposal, actor=request.user, lead=form.cleaned_data["lead"],
            co_agencies=form.cleaned_data["co_agencies"], reason=form.cleaned_data["reason"],
        )
    except (PermissionDenied, ValidationError) as exc:
        return _fail(request, proposal, exc, designate_form=form)
    messages.success(request, _("Agencies designated."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_merge(request, pk):
    proposal = _get(pk)
    form = MergeForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return _fail(request, proposal, ValidationError(_("Please correct the form.")), merge_form=form)
    try:
        services.proposal_merge(
            proposal=proposal, into=form.cleaned_data["into"], actor=request.user, reason=form.cleaned_data["reason"]
        )
    except (PermissionDenied, ValidationError) as exc:
        return _fail(request, proposal, exc, merge_form=form)
    messages.success(request, _("Merged."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_consent(request, pk):
    proposal = _get(pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _fail(request, proposal, ValidationError(_("Please correct the form.")))
    proposer = get_object_or_404(proposal.proposers, pk=form.cleaned_data["proposer"])
    try:
        services.consent_record(
            proposer=proposer, kind=form.cleaned_data["kind"], given=form.cleaned_data["given"],
            actor=request.user, note=form.cleaned_data["note"],
        )
    except PermissionDenied as exc:
        return _fail(request, proposal, exc)
    messages.success(request, _("Consent recorded."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_attach(request, pk):
    proposal = _get(pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _fail(request, proposal, ValidationError(_("Please choose a file.")), attachment_form=form)
    try:
        services.attachment_add(proposal=proposal, actor=request.user, upload=form.cleaned_data["file"])
    except (PermissionDenied, ValidationError) as exc:
        return _fail(request, proposal, exc, attachment_form=form)
    messages.success(request, _("File attached."))
    return redirect(proposal)


def proposal_attachment(request, pk, file_pk):
    """A proposal's file, to whoever may see the proposal; Http404 otherwise (no hint that it exists)."""
    try:
        attachment = selectors.attachment_get(proposal_pk=pk, pk=file_pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    if not perm.can_download(attachment, request.user):
        raise Http404
    return file_response(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
def proposal_revise(request, pk):
    proposal = _get(pk)
    if not perm.can_revise(proposal, request.user):
        raise PermissionDenied
    form = RevisionForm(request.POST or None, instance=Proposal.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in RevisionForm.Meta.fields}
        try:
            services.proposal_revise(proposal=proposal, actor=request.user, note=form.cleaned_data["note"], **changes)
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Revision saved."))
            return redirect(proposal)
    return render(request, "proposals/revise.html", {"proposal": proposal, "form": form})


@login_required
def proposal_place(request, pk):
    """Staff correct a proposal's village and point (audited in places.PlaceChange)."""
    proposal = _get(pk)
    if not perm.can_correct_place(proposal, request.user):
        raise PermissionDenied(_("Only the district office or civil affairs may correct a proposal's place."))
    shown = picked_point(request.POST) if request.method == "POST" else None
    initial = {"village": proposal.village_id, "point_lon": proposal.point_lon, "point_lat": proposal.point_lat}
    if shown is not None:
        form = PlaceForm(initial=shown, proposal=proposal)
    else:
        form = PlaceForm(request.POST or None, initial=initial, proposal=proposal)
    if shown is None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_place_set(proposal=proposal, actor=request.user, village=data["village"],
                                        point_lon=data["point_lon"], point_lat=data["point_lat"],
                                        reason=data["reason"])
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The place was corrected."))
            return redirect(proposal)
    values = shown or (request.POST if request.method == "POST" else initial)
    picker = picker_context(values.get("village"), values.get("point_lon"), values.get("point_lat"))
    return render(request, "proposals/place.html", {"proposal": proposal, "form": form, "picker": picker})


@login_required
def proposal_new(request):
    shown = picked_point(request.POST) if request.method == "POST" else None
    if shown is not None:  # sent by the village map (a click, a square, "show the map"): show it again, filled in
        form = ProposalForm(initial=shown)
    else:
        form = ProposalForm(request.POST or None)
    if shown is None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        users = []
        errors = []
        for line in data["proposer_emails"].splitlines():
            email = line.strip().lower()
            if email:
                user = get_user_model().objects.filter(email=email).first()
                users.append(user) if user else errors.append(_("No account uses %(email)s.") % {"email": email})
        walkins = []
        for line in data["proposer_names"].splitlines():
            if line.strip():
                name, _sep, contact = line.partition(",")
                walkins.append((name.strip(), contact.strip()))
        if errors:
            for e in errors:
                form.add_error("proposer_emails", e)
        else:
            try:
                p = services.proposal_create(
                    actor=request.user, proposers=users + walkins, village_required=True,
                    **{k: data[k] for k in ProposalForm.Meta.fields},
                )
            except (PermissionDenied, ValidationError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Proposal raised."))
                return redirect(p)
    values = shown or request.POST
    picker = picker_context(values.get("village"), values.get("point_lon"), values.get("point_lat"))
    return render(request, "proposals/new.html", {"form": form, "picker": picker})


def _picker_form(request, form_class, initial=None, **kwargs):
    """The form, bound to what was posted; when the village map sent it (a click, a square, "show the map"),
    unbound and filled with what was typed plus the point, so nothing is lost and no error shows yet.
    Returns (form, values the picker draws, whether the form was sent to be saved)."""
    shown = picked_point(request.POST) if request.method == "POST" else None
    if shown is not None:
        return form_class(initial=shown, **kwargs), shown, False
    form = form_class(request.POST or None, initial=initial, **kwargs)
    values = request.POST if request.method == "POST" else (initial or {})
    return form, values, request.method == "POST"


def _picker(values):
    return picker_context(values.get("village"), values.get("point_lon"), values.get("point_lat"))


@login_required
def proposal_write(request):
    """A resident writes a proposal online; it is saved as their draft (services.proposal_propose)."""
    if not perm.can_propose_online(None, request.user):
        raise PermissionDenied(_("Sign in with a resident's account to write a proposal."))
    form, values, submitted = _picker_form(request, ResidentProposalForm)
    if submitted and form.is_valid():
        try:
            p = services.proposal_propose(actor=request.user, cycle=cycle_current(),
                                          **{k: form.cleaned_data[k] for k in ResidentProposalForm.Meta.fields})
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your draft is saved. The district office will raise it at the district's "
                                        "next resident assembly."))
            return redirect(p)
    return render(request, "proposals/write.html", {"form": form, "picker": _picker(values)},
                  status=400 if submitted else 200)


@login_required
def proposal_edit(request, pk):
    """The proposer edits their draft, with the village map, until it is raised."""
    proposal = _get(pk)
    if not perm.can_view(proposal, request.user):
        raise Http404
    if not perm.can_edit_draft(proposal, request.user):
        raise PermissionDenied(_("Only its proposer may edit a draft, until it is raised."))
    fields = ResidentProposalForm.Meta.fields
    initial = {f: getattr(proposal, f) for f in fields}
    initial.update(district=proposal.district_id, village=proposal.village_id)
    form, values, submitted = _picker_form(request, DraftEditForm, initial=initial)
    if submitted and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_draft_update(
                proposal=proposal, actor=request.user, village=data["village"], point_lon=data["point_lon"],
                point_lat=data["point_lat"], note=data["note"], **{f: data[f] for f in services.DRAFT_FIELDS})
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your draft is saved."))
            return redirect(proposal)
    return render(request, "proposals/write.html", {"form": form, "picker": _picker(values), "proposal": proposal},
                  status=400 if submitted else 200)


@login_required
def proposal_audit(request, pk):
    if not perm.can_view_audit(request.user):
        raise PermissionDenied(_("The audit trail is for committee members."))
    proposal = get_object_or_404(Proposal.objects.select_related("district", "cycle"), pk=pk)
    if not perm.can_view(proposal, request.user):
        raise Http404  # a proposal never raised is private to its proposers and district office
    return render(request, "proposals/audit.html",
                  {"proposal": proposal, **selectors.proposal_audit(proposal=proposal)})


@login_required
def my_proposals(request):
    return render(request, "proposals/mine.html", {"proposals": selectors.proposals_for_user(user=request.user),
                                                   "can_write": perm.can_propose_online(None, request.user)})


@login_required
def proposal_queue(request):
    """What waits for the signed-in staff member's next step."""
    offices = [r.district_id for r in role_assignments(request.user) if r.role == Role.DISTRICT_OFFICE]
    return render(request, "proposals/queue.html", {
        "rows": selectors.proposals_awaiting(user=request.user),
        "can_orphans": any(perm.can_view_orphans(d, request.user) for d in offices if d)})


@login_required
def oversight(request, code=None):
    """A district's proposals and projects for its councillors (read-only)."""
    if code is None:
        mine = [r.district for r in role_assignments(request.user) if r.role == Role.COUNCILLOR and r.district_id]
        if not mine:
            raise PermissionDenied(_("Oversight pages are for councillors, committee members and civil affairs."))
        return redirect("proposals:oversight_district", code=mine[0].code)
    district = get_object_or_404(District, code=code)
    if not perm.can_oversee(district.pk, request.user):
        raise PermissionDenied(_("Oversight pages are for councillors, committee members and civil affairs."))
    cycles, cycle = cycle_from_query(request.GET)
    data = selectors.district_oversight(district=district, cycle=cycle)
    return render(request, "proposals/oversight.html", {"district": district, "cycles": cycles, "cycle": cycle, **data})


@login_required
def orphans(request):
    """The district office's list of proposers who stopped taking part, with a new contact for each."""
    districts = [r.district for r in role_assignments(request.user)
                 if r.role == Role.DISTRICT_OFFICE and r.district_id and perm.can_view_orphans(r.district_id,
                                                                                                request.user)]
    if not districts:
        raise PermissionDenied(_("This list is for the district office."))
    rows = []
    for flag in selectors.orphan_flags_open().filter(proposal__district__in=districts):
        proposers = [pp for pp in selectors.proposal_proposers(flag.proposal) if pp.pk != flag.proposer_id]
        rows.append({"flag": flag, "contact": selectors.proposal_contact(flag.proposal),
                     "history": selectors.contact_history(flag.proposal),
                     "form": ContactForm(prefix=f"c{flag.proposal_id}", proposers=proposers)})
    return render(request, "proposals/orphans.html", {"rows": rows, "districts": districts})


@login_required
@require_POST
def proposal_contact(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    proposers = selectors.proposal_proposers(proposal)
    form = ContactForm(request.POST, prefix=f"c{pk}", proposers=proposers)
    if form.is_valid():
        contact = form.contact()
        try:
            if contact is None:
                raise ValidationError({"email": _("No active account has this e-mail.")})
            services.contact_change(proposal=proposal, actor=request.user, contact=contact,
                                    reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The proposal's contact is changed, on record."))
    else:
        flash_errors(request, ValidationError([e for errs in form.errors.values() for e in errs]))
    return redirect("proposals:orphans")
