"""Helpers shared by the deliberation views."""
from django.http import Http404

from pbcity.models import Cycle


def current_cycle(request):
    """The cycle named by ?cycle=<year>, else the newest one."""
    year = request.GET.get("cycle", "")
    qs = Cycle.objects.all()
    if year.isascii() and year.isdigit() and len(year) <= 4:
        cycle = qs.filter(year=int(year)).first()
        if cycle is None:
            raise Http404
        return cycle
    if year:
        raise Http404
    return qs.order_by("-year").first()


def get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except Exception as exc:  # DoesNotExist of the selector's model
        if exc.__class__.__name__ == "DoesNotExist":
            raise Http404 from exc
        raise
