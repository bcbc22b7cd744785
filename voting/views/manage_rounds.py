"""Civil affairs prepares, opens, closes and counts rounds; staff follow the count's progress."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors, form_errors
from pbcity.models import Cycle
from voting import permissions as perm
from voting.forms.rounds import BallotBoxForm, RoundExtendForm, RoundForm
from voting.models import Round
from voting.selectors import rounds as sel
from voting.services import rounds as round_services
from voting.services import tally as tally_services

from .ballot import _round


def _require_manager(request, cycle):
    if cycle is None or not perm.can_manage_rounds(cycle, request.user):
        raise PermissionDenied(_("Only civil-affairs staff manage voting rounds."))


@login_required
def manage(request):
    cycle = Cycle.objects.first()
    _require_manager(request, cycle)
    form = RoundForm(request.POST or None, initial={"max_choices": cycle.ballot_size})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round_services.round_create(
                actor=request.user, cycle=cycle, district=d["district"], opens_at=d["opens_at"],
                closes_at=d["closes_at"], ballot_type=d["ballot_type"], min_choices=d["min_choices"],
                max_choices=d["max_choices"], points=d["points"] or 0, max_per_project=d["max_per_project"] or 0,
                budget=d["budget"] or 0, score_vector=d["score_vector"], counting_rule=d["counting_rule"],
                public_key=d["public_key"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Round prepared. Its rules are frozen when it opens."))
            return redirect("voting:rounds_manage")
    status = 400 if request.method == "POST" else 200
    return render(request, "voting/rounds_manage.html", {
        "cycle": cycle, "rounds": sel.rounds_of_cycle(cycle=cycle), "form": form, "now": timezone.now()},
        status=status)


# Steps that cannot be undone (or are announced to voters): the POST must carry the confirmation the
# manage page's disclosure sends with its final button (no script: the CSP forbids inline script).
CONFIRMED_ACTIONS = ("open", "close", "extend", "tally")


@login_required
@require_POST
def round_action(request, pk, action):
    r = _round(pk)
    _require_manager(request, r.cycle)
    reason = request.POST.get("reason", "")
    try:
        if action in CONFIRMED_ACTIONS and request.POST.get("confirm") != "yes":
            raise ValidationError(_("Nothing was done: confirm the step with its final button (it cannot be "
                                    "undone)."))
        if action == "key":
            round_services.round_key_set(round_=r, actor=request.user, public_key=request.POST.get("public_key", ""))
            messages.success(request, _("The ballot-box public key is loaded."))
        elif action == "open":
            round_services.round_open(round_=r, actor=request.user)
            messages.success(request, _("Voting is open; the rules are now frozen."))
        elif action == "close":
            round_services.round_close(round_=r, actor=request.user, reason=reason,
                                       early=timezone.now() < r.closes_at)
            messages.success(request, _("Voting closed; every ballot is sealed in the ballot box. The key holders "
                                        "open it next."))
        elif action == "extend":
            form = RoundExtendForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the new closing time as a date and time."))
            round_services.round_extend(round_=r, actor=request.user, closes_at=form.cleaned_data["closes_at"],
                                        reason=reason)
            messages.success(request, _("The closing time is moved; the district's voters are told."))
        elif action == "tally":
            tally_services.round_tally_start(round_=r, actor=request.user)
            messages.success(request, _("The count has started."))
        else:
            raise ValidationError(_("Unknown action."))
    except (PermissionDenied, ValidationError) as exc:
        flash_errors(request, exc)
    return redirect("voting:rounds_manage")


@sensitive_post_parameters("shares")
@never_cache
@login_required
def ballot_box(request, pk):
    """The committee's "open the ballot box" page: the quorum of key holders enter their shares in one form.

    The shares and the key rebuilt from them live only in this request (never stored, logged or queued)."""
    r = _round(pk)
    if not perm.can_open_box(r, request.user):
        raise PermissionDenied(_("Only committee members and civil-affairs staff open the ballot box."))
    form = BallotBoxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from voting.services.ballot_box import ballot_box_open

        try:
            ballot_box_open(round_=r, shares=form.cleaned_data["shares"].splitlines(), actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The ballot box is open: the board is published and the ciphertexts are "
                                        "destroyed."))
            return redirect("voting:board", r.pk)
    from voting.services.ballot_box import fingerprint

    status = 400 if request.method == "POST" else 200
    return render(request, "voting/ballot_box.html", {
        "round": r, "form": form, "fingerprint": fingerprint(r.public_key) if len(r.public_key) == 64 else ""},
        status=status)


@login_required
def progress(request, pk):
    r = _round(pk)
    if not perm.can_follow_round(r, request.user):
        raise PermissionDenied(_("Only civil-affairs staff and committee members follow the count."))
    return render(request, "voting/_round_progress.html", {
        "round": r, "poll": r.tally_step in Round.TALLY_RUNNING, "step": r.get_tally_step_display()})
