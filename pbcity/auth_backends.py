"""Authentication backends: Django's and allauth's, with a cheaper look-up of the signed-in user.

docs/decisions.md, "Election-day speed". Every request of a signed-in person loads their account; on a ballot
POST that look-up was the largest single cost after the ballot itself (building and compiling a queryset costs
more than the round trip). Here it is one prepared SQL statement that also answers "does this account hold any
staff role?" — asked on every request by the staff-MFA middleware (`pbcity.permissions.holds_any_role`) — so a
request needs one query for both instead of two. Logging in and every other check are Django's and allauth's
own, unchanged.
"""
from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as _AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as _DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

# Sessions signed in before these backends existed name the classes they extend (pbcity.sessions maps them).
RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "pbcity.auth_backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "pbcity.auth_backends.AuthenticationBackend",
}

_READER = None


def _reader():
    global _READER
    if _READER is None:
        from pbcity.models import RoleAssignment
        from pbcity.rows import RowReader

        _READER = RowReader(get_user_model(), "u", "WHERE u.id = %s", extra=(
            f"EXISTS (SELECT 1 FROM {RoleAssignment._meta.db_table} r WHERE r.user_id = u.id)",))
    return _READER


def user_load(user_id):
    """The account with this primary key (as the session holds it), or None; it knows whether it holds a role."""
    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    low, high = connection.ops.integer_field_range(user_model._meta.pk.get_internal_type())
    if not (isinstance(pk, int) and low <= pk <= high):  # a tampered session, or not an integer key
        return None
    user, extra = _reader().fetch([pk])
    if user is not None:
        user._pb_has_roles = bool(extra[0])  # what pbcity.permissions.holds_any_role would otherwise query for
    return user


class _FastGetUser:
    def get_user(self, user_id):
        user = user_load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_FastGetUser, _DjangoModelBackend):
    """Django's ModelBackend; the signed-in user is loaded with one statement (see the module)."""


class AuthenticationBackend(_FastGetUser, _AllauthBackend):
    """allauth's backend (log in by e-mail); the signed-in user is loaded with one statement (see the module)."""
