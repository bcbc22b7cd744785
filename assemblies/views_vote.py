"""Phone-sized voting pages. The attendee's code is the credential; the session remembers it."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import CodeForm
from .views_public import _get


def _key(pk) -> str:
    return f"assembly-{pk}-code"


def vote_enter(request, pk):
    a = _get(pk)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        att = selectors.attendee_by_code(assembly=a, code=form.cleaned_data["code"])
        if att is None:
            form.add_error("code", _("This code is not valid for this assembly."))
            status = 400
        else:
            request.session[_key(pk)] = att.code
            return redirect("assemblies:ballot", pk=pk)
    return render(request, "assemblies/vote_enter.html", {"assembly": a, "form": form}, status=status)


def _ballot(request, a, att, status=200, error=None):
    if request.htmx:  # htmx swaps only 2xx responses; the message inside says what went wrong
        status = 200
    ctx = {"assembly": a, "attendee": att, "error": error, **selectors.ballot(assembly=a, attendee=att)}
    template = "assemblies/_ballot.html" if request.htmx else "assemblies/ballot.html"
    return render(request, template, ctx, status=status)


def ballot(request, pk):
    a = _get(pk)
    att = selectors.attendee_by_code(assembly=a, code=request.session.get(_key(pk), ""))
    if att is None:
        return redirect("assemblies:vote", pk=pk)
    return _ballot(request, a, att)


@require_POST
def vote_cast(request, pk):
    a = _get(pk)
    code = request.POST.get("code") or request.session.get(_key(pk), "")
    item = request.POST.get("item", "")
    try:
        services.vote_cast(assembly=a, code=code, item_id=int(item) if item.isascii() and item.isdigit() else 0)
    except ValidationError as exc:
        att = selectors.attendee_by_code(assembly=a, code=code)
        if att is None:
            messages.error(request, " ".join(exc.messages))
            return render(request, "assemblies/vote_enter.html", {"assembly": a, "form": CodeForm()}, status=400)
        a.refresh_from_db()
        return _ballot(request, a, att, status=400, error=" ".join(exc.messages))
    request.session[_key(pk)] = services.normalise_code(code)
    a.refresh_from_db()
    att = selectors.attendee_by_code(assembly=a, code=code)
    if request.htmx:
        return _ballot(request, a, att)
    messages.success(request, _("Your vote is recorded."))
    return redirect("assemblies:ballot", pk=pk)
