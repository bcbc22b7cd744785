import base64

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pbcity import search, selectors, services
from pbcity.errors import form_errors
from pbcity.permissions import mfa_enabled, needs_mfa_setup


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from your authenticator app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


@login_required
def inbox(request):
    q = search.clean_query(request.GET.get("q"))
    notifications = selectors.inbox_notifications(user=request.user, text=q)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page, "notifications": page.object_list, "q": q})


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


# -- a privileged account's first authenticator, through an enrolment link ------------------------

_ENROLMENT_SECRET = "pbcity_mfa_enrolment_secret"


def mfa_enrolment_needed(request):
    """Where a privileged account without TOTP lands: nothing but the way to an enrolment link."""
    if not needs_mfa_setup(request.user):
        return redirect("home")
    return render(request, "pbcity/mfa_enrolment_needed.html")


@never_cache  # the page shows the new secret
@login_required
def mfa_enrolment(request, token):
    """Turn on TOTP with an administrator's one-time link, after signing in with the password."""
    if mfa_enabled(request.user):
        messages.info(request, _("Two-factor authentication is already on for your account."))
        return redirect("home")
    try:
        link = services.mfa_enrolment_link_check(token=token, user=request.user)
    except ValidationError as exc:
        return render(request, "pbcity/mfa_enrolment.html", {"errors": exc.messages}, status=400)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mfa_enrolment_complete(token=token, user=request.user, code=form.cleaned_data["code"],
                                            secret=request.session.get(_ENROLMENT_SECRET, ""))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            # The next session with staff powers starts like every other: password, then a code.
            logout(request)
            messages.success(request, _("Two-factor authentication is on. Sign in again with your password and a "
                                        "code from your authenticator app, then keep your recovery codes "
                                        "(Account → Two-factor authentication)."))
            return redirect("account_login")
    if request.method != "POST" or not request.session.get(_ENROLMENT_SECRET):
        request.session[_ENROLMENT_SECRET] = generate_totp_secret()
    secret = request.session[_ENROLMENT_SECRET]
    adapter = get_mfa_adapter()
    url = adapter.build_totp_url(request.user, secret)
    svg = base64.b64encode(adapter.build_totp_svg(url).encode()).decode()
    return render(request, "pbcity/mfa_enrolment.html", {
        "link": link, "form": form, "secret": secret, "qr": f"data:image/svg+xml;base64,{svg}",
    }, status=400 if form.errors else 200)
