import base64

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pbcity import search, selectors, services
from pbcity.errors import flash_errors, form_errors
from pbcity.fields import SingleLineField
from pbcity.models import Delivery
from pbcity.permissions import mfa_enabled, needs_mfa_setup


class EnrolmentCodeForm(forms.Form):
    code = SingleLineField(label=gettext_lazy("Code from your authenticator app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


@login_required
def inbox(request):
    """The person's messages, newest first, grouped by proposal/project/round within each page; ?show=unread,
    ?q= searches their subject and text."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    q = search.clean_query(request.GET.get("q"))
    notes = selectors.inbox_notifications(user=request.user, text=q)
    if show == "unread":
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, 20).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page, "notifications": page.object_list, "show": show, "q": q,
                                          "groups": selectors.inbox_groups(notes=page.object_list)})


@login_required
@require_POST
def inbox_read_all(request):
    services.notification_mark_all_read(user=request.user)
    return redirect(_back(request, reverse("inbox")))


@login_required
@require_POST
def inbox_read(request, pk):
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect(_back(request, reverse("inbox")))


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


# -- notifications: the grouped inbox, the settings page, following ------------------------------

def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    # A path on this site only: anything else (another host, or text redirect() would take for a view name).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


class PreferencesForm(forms.Form):
    """One choice per notification kind; a fixed kind (staff work items) is shown, not offered."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if not row["fixed"]:
                self.fields[row["kind"]] = forms.ChoiceField(label=row["label"], choices=Delivery.choices,
                                                             initial=row["delivery"], widget=forms.RadioSelect)


@login_required
def notification_settings(request):
    rows = selectors.notification_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():  # all choices or none
                    for kind, delivery in form.cleaned_data.items():
                        services.notification_preference_set(user=request.user, kind=kind, delivery=delivery)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notification_settings")
    return render(request, "pbcity/notification_settings.html", {
        "form": form, "fixed_rows": [r for r in rows if r["fixed"]],
        "following": selectors.follows_of(user=request.user),
    })


def _follow_fragment(request, kind, pk):
    """htmx: the button swapped in place (the form works the same without script)."""
    from pbcity.templatetags.follows import follow_context

    context = follow_context(request, kind, pk, label=request.POST.get("label", "")[:200],
                             compact=bool(request.POST.get("compact")), next_url=_back(request, reverse("inbox")))
    return render(request, "pbcity/_follow.html", context)


@login_required
@require_POST
def follow(request, kind, pk):
    fallback = reverse("notification_settings")
    try:
        services.follow_add(user=request.user, kind=kind, target_id=pk)
    except PermissionDenied:
        raise Http404 from None  # a private proposal is not there for this person
    if request.headers.get("HX-Request") == "true":
        return _follow_fragment(request, kind, pk)  # the swapped button says it; no message for later
    messages.success(request, _("You follow it now: its news reaches your inbox."))
    return redirect(_back(request, fallback))


@login_required
@require_POST
def unfollow(request, kind, pk):
    try:
        services.follow_remove(user=request.user, kind=kind, target_id=pk)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if request.headers.get("HX-Request") == "true":
            return _follow_fragment(request, kind, pk)
        messages.success(request, _("You no longer follow it."))
    if request.headers.get("HX-Request") == "true":
        return _follow_fragment(request, kind, pk)
    return redirect(_back(request, reverse("notification_settings")))
