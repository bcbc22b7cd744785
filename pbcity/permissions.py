"""Role predicates shared by every app. A staff role acts only with MFA turned on."""
from allauth.mfa.models import Authenticator

from pbcity.roles import Role


def role_assignments(user) -> list:
    """The user's role assignments, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_pb_roles", None)
    if cached is None:
        # The staff-MFA middleware already asked whether there is any role (holds_any_role): none, no query.
        cached = [] if getattr(user, "_pb_has_roles", None) is False else list(user.roles.all())
        user._pb_roles = cached
    return cached


def mfa_enabled(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_pb_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._pb_mfa = cached
    return cached


def holds_role(user, role: Role, *, district_id=None, agency_id=None) -> bool:
    """The user holds `role`, in the given district/agency scope when one is given."""
    for ra in role_assignments(user):
        if ra.role != role:
            continue
        if district_id is not None and ra.district_id != district_id:
            continue
        if agency_id is not None and ra.agency_id != agency_id:
            continue
        return True
    return False


def acts_as(user, role: Role, *, district_id=None, agency_id=None) -> bool:
    """The user may act in `role` here: holds it in scope and has MFA turned on."""
    return holds_role(user, role, district_id=district_id, agency_id=agency_id) and mfa_enabled(user)


def holds_any_role(user) -> bool:
    """The user holds at least one role (loaded once per user object).

    Asked by the staff-MFA middleware on every signed-in request, where the answer is almost always "no"
    (residents): one indexed EXISTS through the cursor, without building a queryset (≈ 0.1 ms instead of
    ≈ 0.8 ms of CPU on the ballot POST, docs/performance.md). The roles themselves load only when needed.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_pb_roles", None)
    if cached is not None:
        return bool(cached)
    known = getattr(user, "_pb_has_roles", None)
    if known is None:
        from django.db import connection

        from pbcity.models import RoleAssignment

        with connection.cursor() as cur:
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM {RoleAssignment._meta.db_table} WHERE user_id = %s)",
                        [user.pk])
            known = user._pb_has_roles = bool(cur.fetchone()[0])
    return known


def is_staff_member(user) -> bool:
    """Holds any staff role or may reach the admin (and therefore must turn MFA on before acting)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or holds_any_role(user))


def can_use_admin(user) -> bool:
    """The admin site: active accounts with staff status and TOTP turned on."""
    return bool(getattr(user, "is_active", False) and user.is_staff and mfa_enabled(user))


def needs_mfa_setup(user) -> bool:
    """Privileged (staff, superuser or a staff role) without TOTP: only an enrolment link may start it."""
    return is_staff_member(user) and not mfa_enabled(user)


def can_resolve_task_failures(failure, user) -> bool:
    """Site administrators (admin access, two-factor on) see failed background tasks and resolve them."""
    return bool(getattr(user, "is_active", False) and user.is_staff and mfa_enabled(user))


def can_issue_mfa_enrolment_link(account, user) -> bool:
    """Site administrators (admin access, two-factor on) for others; a superuser's link only from a superuser."""
    if not can_use_admin(user) or account.pk == user.pk:
        return False
    return bool(user.is_superuser or not account.is_superuser)


def can_follow(target, user) -> bool:
    """A signed-in, active person may follow what its app lets them see (target = (kind, id))."""
    from pbcity.follows import followable

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    kind, target_id = target
    entry = followable(kind)
    return entry is not None and bool(entry.can_follow(target_id, user))
