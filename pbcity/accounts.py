"""allauth wiring: the client address behind trusted proxies, and login throttling that an attacker
cannot turn against the account's owner (docs/decisions.md, "Security hardening"; docs/security.md).

Counters live in the shared cache (Redis or the database; settings CACHES), so every gunicorn worker
and every host counts the same attempts. A password attempt consumes, before the password is checked:

- `login_failed`: per address, and per (account, address) — the tight limit;
- `login_failed_account`: per account from any address — a generous limit against distributed guessing.

A correct password rolls its consumption back, so only failures count. One address hammering an account
exhausts only its own (account, address) counter, never the owner's; TOTP codes are throttled by
allauth.mfa with the same `login_failed` limits, keyed per user.
"""
import ipaddress

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from allauth.mfa.totp.forms import ActivateTOTPForm as _ActivateTOTPForm
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.permissions import needs_mfa_setup

_APP = "allauth.account"


def client_ip(request) -> str:
    """The client's address: the entry `TRUSTED_PROXY_COUNT` places from the right of X-Forwarded-For.

    Each trusted proxy appends the address it saw, so entries further left are the client's to forge.
    With no trusted proxies (or no header) it is REMOTE_ADDR. A header shorter than expected means the
    request skipped an outer proxy: its first entry is the furthest address a trusted proxy recorded.
    """
    count = settings.TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR", "")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and forwarded:
        candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        # Not an address (a misconfigured proxy): count such requests together rather than fail.
        return "0.0.0.0"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Build allauth's mail (sign-up confirmation, password reset, …) and leave it to the mail outbox.

        The request only renders and keeps the message: it never waits on the mail server, so an SMTP
        outage neither fails a sign-up nor tells a known address from an unknown one by a 500 or by time
        (docs/decisions.md, "One way to queue, and mail never inside a request"). An account's mail is
        in its owner's language; a mail to an address with no account, in the page's.
        """
        from pbcity.services import mail_queue

        user = context.get("user")
        language = getattr(user, "language", "") or translation.get_language()
        with translation.override(language):
            request = allauth_context.request
            ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
            message = self.render_mail(template_prefix, email, ctx)
        mail_queue(message=message)

    def save_user(self, request, user, form, commit=True):
        # The language someone signs up in is the one their e-mails and PDFs are written in.
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def _login(self, credentials) -> str:
        return (credentials.get("email") or credentials.get("username") or "").strip().lower()

    def pre_authenticate(self, request, **credentials) -> None:
        login = self._login(credentials)
        ip = self.get_client_ip(request)
        usages = []
        for action, key in (("login_failed", f"{login}|{ip}"), ("login_failed_account", login)):
            usage = ratelimit.consume(request, app=_APP, action=action, key=key)
            if not usage:
                for earlier in usages:
                    earlier.rollback()
                self._login_failed_rl_usage = None
                raise self.validation_error("too_many_login_attempts")
            usages.append(usage)
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=[u for us in usages for u in us.usage])

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # A completed password reset proves the e-mail account: clear this account's counters.
        login = self._login(credentials)
        ratelimit.clear(request, app=_APP, action="login_failed", key=f"{login}|{self.get_client_ip(request)}")
        ratelimit.clear(request, app=_APP, action="login_failed_account", key=login)


class ActivateTOTPForm(_ActivateTOTPForm):
    """allauth's TOTP activation, for residents only: a privileged account (staff, superuser or any staff
    role) turns on its first authenticator with an enrolment link, never with its password alone
    (pbcity.services.mfa_enrolment_complete; docs/security.md). The middleware keeps such accounts away
    from this page; this refusal holds even if a request gets past it."""

    def clean_code(self) -> str:
        if needs_mfa_setup(self.user):
            raise ValidationError(_("Your account has staff powers: ask an administrator for an enrolment link "
                                    "to turn on two-factor authentication."))
        return super().clean_code()
