"""The committee's dashboard: red flags, and completion and budget execution rates with charts."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from pbcity.selectors import cycle_from_query

from .. import charts, selectors
from .. import permissions as perm


@login_required
def dashboard(request):
    if not perm.can_view_dashboard(request.user):
        raise PermissionDenied(_("The dashboard is for committee members and civil affairs."))
    cycles, cycle = cycle_from_query(request.GET)
    data = selectors.dashboard(cycle=cycle)
    return render(request, "tracking/dashboard.html", {
        "cycles": cycles, "cycle": cycle, **data,
        "completion_chart": charts.bar_chart([(f"{r['district'].display_name} {r['cycle'].year}", r["completion_rate"])
                                              for r in data["table"]]),
        "execution_chart": charts.bar_chart([(f"{r['district'].display_name} {r['cycle'].year}", r["execution_rate"])
                                             for r in data["table"]]),
    })
