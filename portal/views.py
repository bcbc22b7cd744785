from django.shortcuts import render

from pbcity import selectors
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
    return render(request, "portal/home.html", ctx)
