from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
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


@login_required
def account_language(request):
    """The language of a person's e-mails and PDFs (also set by the language switch while signed in)."""
    choices = settings.LANGUAGES
    if request.method == "POST":
        language = request.POST.get("language", "")
        if language in dict(choices):
            services.user_language_set(user=request.user, language=language)
            messages.success(request, _("Saved: e-mails and documents will be written in this language."))
            return redirect("account_language")
        messages.error(request, _("Choose one of the site's languages."))
    return render(request, "pbcity/account_language.html", {"choices": choices, "current": request.user.language})
