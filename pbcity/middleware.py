from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pbcity.permissions import needs_mfa_setup

# Paths a staff member without MFA may still open: the MFA setup itself, logout, static files and
# the public card verification (a staff member checking a card at the door).
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/training/verify/")


class StaffMFAMiddleware:
    """Staff roles must turn on two-factor authentication before they use the platform.

    Permission predicates refuse staff actions without MFA regardless; this middleware sends
    the person to the setup page instead of letting them meet a wall of refusals.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (
            not path.startswith(_ALLOWED_PREFIXES)
            and needs_mfa_setup(request.user)
        ):
            messages.warning(request, _("Your role requires two-factor authentication. Please turn it on first."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class RejectNulMiddleware:
    """Refuse requests whose path or parameters contain NUL characters.

    No person types them, PostgreSQL cannot store or compare them, and code that reads a raw
    parameter (a verification code in a URL, say) would otherwise fail with a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(_("The request contains a character that is not allowed."))
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())
