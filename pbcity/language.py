"""The language switch as a GET link target (docs/decisions.md, "Public pages at load").

Django's ``set_language`` needs a POST with a CSRF token, and a page cached for every anonymous visitor
must not carry one visitor's token. Choosing the interface language changes nothing but a cookie of the
visitor's own, so a GET form (no script, strict CSP) is enough.
"""
from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language

from pbcity.services import user_language_set


def language_switch(request):
    code = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        # A signed-in person's choice is also where their e-mails and PDFs are written
        # (docs/decisions.md, "One language per page"); the cached page itself stays anonymous.
        if request.user.is_authenticated:
            user_language_set(user=request.user, language=code)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
