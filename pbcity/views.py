from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pbcity import selectors, services
from proposals.selectors import proposal_list
from proposals.states import State


def home(request):
    cycle = selectors.cycle_current()
    ctx = {"cycle": cycle}
    if cycle:
        counts = selectors.cycle_state_counts(cycle=cycle)
        ctx.update(
            calendar=selectors.cycle_calendar(cycle=cycle),
            total=sum(counts.values()),
            stage_counts=[(s, counts.get(s.value, 0)) for s in State if counts.get(s.value)],
            recent=proposal_list(cycle=cycle)[:6],
        )
    return render(request, "home.html", ctx)


@login_required
def inbox(request):
    page = Paginator(request.user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def inbox_read_all(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read(request, pk):
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect("inbox")
