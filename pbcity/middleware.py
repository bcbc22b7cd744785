from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pbcity.permissions import needs_mfa_setup

# All a privileged account without TOTP may open: the enrolment pages (the link and the page that
# says to ask for one), logout, static files, the language switch and the public card verification.
# Not the rest of /accounts/: allauth's own TOTP activation would let the password alone enrol.
_ALLOWED_PREFIXES = ("/accounts/enrolment/", "/accounts/logout/", "/static/", "/i18n/", "/training/verify/")


class StaffMFAMiddleware:
    """A privileged account (staff, superuser, any staff role) without TOTP holds a restricted session.

    It reaches only the enrolment pages: its first authenticator comes from an administrator's
    one-time link (pbcity.services.mfa_enrolment_link_issue), never from the password alone. Permission
    predicates refuse staff actions without TOTP regardless; this keeps such a session from anything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(_ALLOWED_PREFIXES) and needs_mfa_setup(request.user):
            return redirect(reverse("mfa_enrolment_needed"))
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
