"""Helpers shared by the deliberation views."""
from django.http import Http404

from pbcity.selectors import cycle_from_query


def current_cycle(request):
    """The cycle named by ?cycle=<year>, else the newest one (pbcity.selectors.cycle_from_query)."""
    return cycle_from_query(request.GET, newest_by_default=True)[1]


def get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except Exception as exc:  # DoesNotExist of the selector's model
        if exc.__class__.__name__ == "DoesNotExist":
            raise Http404 from exc
        raise
