"""The admin behind the same door as everyone: allauth's login (rate limits, TOTP), never a password form
of its own; and only for accounts that have TOTP turned on (docs/decisions.md, "Security hardening")."""
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pbcity.permissions import can_use_admin


class PbcityAdminSite(AdminSite):
    site_header = gettext_lazy("Taipei Participatory Budgeting administration")
    site_title = gettext_lazy("pbcity administration")

    def has_permission(self, request) -> bool:
        return can_use_admin(request.user)

    def login(self, request, extra_context=None):
        """No password form here: send the person to allauth's login, which ends with the TOTP step."""
        if request.user.is_authenticated:
            # Signed in but refused by has_permission: say so instead of looping through the login.
            raise PermissionDenied(_("Your account may not use the administration site."))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
