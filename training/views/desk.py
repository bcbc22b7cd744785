"""Personal page, expert database, consultation desk and staff figures."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors, form_errors
from pbcity.permissions import role_assignments
from pbcity.roles import Role
from places.picker import picked_point, picker_context

from .. import permissions as perm
from .. import selectors, services
from ..forms import AdviceForm, BookForm, DraftProposalForm, ExpertSearchForm
from ..models import Consultation, ConsultationSlot
from ..models.cards import THRESHOLDS


@login_required
def my_training(request):
    user = request.user
    hours = selectors.qualifying_hours(user=user)
    nxt = next(((lv, t - hours) for lv, t in THRESHOLDS.items() if hours < t), None)
    return render(request, "training/me.html", {
        "hours": hours, "next_level": nxt, "cards": selectors.cards_of(user=user),
        "upcoming": selectors.upcoming_for(user=user), "attendance": selectors.attendance_of(user=user),
        "consultations": selectors.consultations_of(user=user),
        "trained": selectors.sessions_trained_by(user=user) if perm.is_trainer(user) else None,
        "can_figures": perm.can_view_figures(user),
    })


def experts(request):
    form = ExpertSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    field = data.get("field")
    return render(request, "training/experts.html", {
        "form": form, "experts": selectors.expert_search(field=field.name if field else "", q=data.get("q") or ""),
        "show_contact": perm.can_view_expert_contact(request.user),
    })


def consultations(request, book_form=None, slot_id=None, status=200):
    return render(request, "training/consultations.html", {
        "slots": selectors.slots_open()[:40],
        "mine": selectors.consultations_of(user=request.user) if request.user.is_authenticated else [],
        "book_form": book_form or BookForm(), "failed_slot": slot_id,
        "can_desk": any(perm.can_manage_consultation_slots(d, request.user) for d in _desk_districts(request.user)),
        # Keep what the resident typed when a booking fails, in every slot's box.
        "topic_value": book_form.data.get("topic", "") if book_form is not None else "",
    }, status=status)


@login_required
@require_POST
def consultation_book(request, slot_id):
    slot = get_object_or_404(ConsultationSlot, pk=slot_id)
    form = BookForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_book(resident=request.user, slot=slot, topic=form.cleaned_data["topic"])
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
    if form.errors:
        return consultations(request, book_form=form, slot_id=slot.pk, status=400)
    messages.success(request, _("Your consultation is booked."))
    return redirect("training:consultations")


@login_required
@require_POST
def consultation_cancel(request, pk):
    c = get_object_or_404(Consultation, pk=pk, resident=request.user)
    try:
        services.consultation_cancel(resident=request.user, consultation=c)
        messages.success(request, _("Your booking has been cancelled."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("training:consultations")


def _desk_districts(user) -> list[int]:
    return [ra.district_id for ra in role_assignments(user) if ra.role == Role.DISTRICT_OFFICE]


@login_required
def desk(request):
    ids = [d for d in _desk_districts(request.user) if perm.can_manage_consultation_slots(d, request.user)]
    if not ids:
        raise Http404
    return render(request, "training/desk.html", {"items": selectors.consultations_for_desk(district_ids=ids)})


@login_required
def desk_detail(request, pk):
    c = get_object_or_404(Consultation.objects.select_related("slot__district", "resident", "proposal"), pk=pk)
    if not perm.can_run_consultation(c, request.user):
        raise Http404
    district = c.slot.district
    advice_form, status = AdviceForm(initial={"advice": c.advice}), 200
    draft_form = DraftProposalForm(district=district)
    shown = picked_point(request.POST) if request.method == "POST" else None
    if shown is not None:  # the draft's village map sent the form: show it again, filled in, with the point
        draft_form = DraftProposalForm(initial=shown, district=district)
    elif request.method == "POST" and "advice" in request.POST:
        advice_form = AdviceForm(request.POST)
        if advice_form.is_valid():
            try:
                services.consultation_record_advice(actor=request.user, consultation=c,
                                                    advice=advice_form.cleaned_data["advice"])
                messages.success(request, _("The advice has been recorded."))
                return redirect("training:desk_detail", pk=c.pk)
            except (ValidationError, PermissionDenied) as exc:
                form_errors(advice_form, exc)
        status = 400
    elif request.method == "POST":
        draft_form = DraftProposalForm(request.POST, district=district)
        if draft_form.is_valid():
            try:
                proposal = services.consultation_start_proposal(actor=request.user, consultation=c,
                                                                **draft_form.cleaned_data)
                messages.success(request, _("A draft proposal has been started with the resident as proposer."))
                return redirect(proposal.get_absolute_url())
            except (ValidationError, PermissionDenied) as exc:
                form_errors(draft_form, exc)
        status = 400
    values = shown or (request.POST if "draft" in request.POST else {})
    picker = picker_context(values.get("village"), values.get("point_lon"), values.get("point_lat"))
    return render(request, "training/desk_detail.html", {
        "c": c, "advice_form": advice_form, "draft_form": draft_form, "picker": picker,
        "can_start": perm.can_start_proposal_from_consultation(c, request.user),
    }, status=status)


@login_required
def figures(request):
    if not perm.can_view_figures(request.user):
        raise PermissionDenied
    return render(request, "training/figures.html", {"f": selectors.figures()})
