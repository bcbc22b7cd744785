"""The flag list and a flag's page with its review form: district office (own district) and committee only."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import error_messages
from pbcity.selectors import cycle_from_query

from . import permissions as perm
from . import selectors, services
from .forms import ReviewForm
from .models import Flag, FlagReview


def _require_list(request):
    if not perm.can_see_flags(request.user):
        raise PermissionDenied(_("Only the district office and the committee see mobilisation flags."))


@login_required
def flag_list(request):
    _require_list(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Flag.Kind.values else ""
    state = request.GET.get("state", "")
    state = state if state in ("open", "reviewed") else ""
    cycles, cycle = cycle_from_query(request.GET)
    flags = selectors.flags_for(user=request.user, cycle=cycle, kind=kind, state=state).order_by(
        "-active", "-raised_at", "-id")[:500]
    labels = dict(FlagReview.Decision.choices)
    for f in flags:
        f.decision_label = labels.get(f.decision, "")
    return render(request, "mobilisation/flag_list.html", {
        "flags": flags, "kinds": Flag.Kind.choices, "kind": kind, "state": state, "cycle": cycle, "cycles": cycles,
        "share_kinds": selectors.SHARE_KINDS})


@login_required
def flag_detail(request, pk):
    flag = get_object_or_404(Flag.objects.select_related("district", "cycle", "assembly", "round"), pk=pk)
    if not perm.can_see(flag, request.user):
        raise PermissionDenied(_("Only the district office and the committee see mobilisation flags."))
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.flag_review(flag=flag, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, " ".join(error_messages(exc)))
            else:
                messages.success(request, _("Your decision is recorded on the audit chain."))
                return redirect("mobilisation:detail", flag.pk)
        status = 400
    return render(request, "mobilisation/flag_detail.html", {
        "flag": flag, "form": form, "reviews": selectors.flag_reviews(flag=flag),
        "measure": selectors.MEASURES[flag.kind], "is_share": flag.kind in selectors.SHARE_KINDS}, status=status)


@login_required
@require_POST
def recompute(request):
    """Ask for a recomputation of one assembly's or round's flags (queued for a worker)."""
    from assemblies.models import Assembly
    from voting.models import Round

    _require_list(request)
    try:
        if request.POST.get("assembly"):
            services.flags_recompute(actor=request.user,
                                     assembly=get_object_or_404(Assembly, pk=int(request.POST["assembly"])))
        else:
            services.flags_recompute(actor=request.user, round_=get_object_or_404(Round, pk=int(request.POST.get(
                "round") or 0)))
    except ValueError as exc:
        raise PermissionDenied(_("Choose an assembly or a round.")) from exc
    messages.success(request, _("The flags are being recomputed; reload the page in a minute."))
    return redirect("mobilisation:list")
