"""The scoring page: a member's lights for each proposal, on a phone or tablet, in the room or online."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import form_errors

from .. import permissions as perm
from .. import rules, selectors, services
from ..forms.panel import ScoreForm
from .common import get_or_404


def _page(request, panel, status=200, failed=None, failed_form=None):
    mine = selectors.panel_my_scores(panel=panel, user=request.user)
    seat = selectors.panel_seat_of(panel=panel, user=request.user)
    items = []
    for p in selectors.open_agenda(panel=panel).prefetch_related("proposers"):
        conflict = rules.has_conflict(member=request.user.pk, proposers=[pp.user_id for pp in p.proposers.all()])
        form = None
        if p.pk not in mine and not conflict:
            form = failed_form if failed == p.pk else ScoreForm(prefix=f"p{p.pk}")
        items.append({"proposal": p, "score": mine.get(p.pk), "conflict": conflict, "form": form})
    done = sum(1 for i in items if i["score"] or i["conflict"])
    return render(request, "deliberation/panel_score.html", {
        "panel": panel, "seat": seat, "items": items, "done": done, "total": len(items),
        "show_link": perm.can_join_online(panel, request.user),
    }, status=status)


@login_required
def panel_score(request, pk):
    panel = get_or_404(selectors.panel_by_id, pk=pk)
    if not perm.can_score(panel, request.user):
        raise PermissionDenied
    return _page(request, panel)


@login_required
@require_POST
def score_submit(request, pk, proposal_pk):
    panel = get_or_404(selectors.panel_by_id, pk=pk)
    if not perm.can_score(panel, request.user):
        raise PermissionDenied
    proposal = get_object_or_404(panel.agenda, pk=proposal_pk)
    form = ScoreForm(request.POST, prefix=f"p{proposal.pk}")
    if form.is_valid():
        try:
            services.score_submit(panel=panel, actor=request.user, proposal=proposal, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your lights for “%(title)s” are recorded.") % {"title": proposal.title})
            return redirect("deliberation:panel_score", panel.pk)
    return _page(request, panel, status=400, failed=proposal.pk, failed_form=form)
