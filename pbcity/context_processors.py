from django.conf import settings

from pbcity.permissions import mfa_enabled, role_assignments
from pbcity.roles import Role

_QUEUE_ROLES = {Role.DISTRICT_OFFICE, Role.AGENCY, Role.COMMITTEE, Role.CIVIL_AFFAIRS}


def site(request):
    user = request.user
    return {
        "SITE_NAME": settings.SITE_NAME,
        "my_roles": role_assignments(user),
        # Roles first: residents (no roles) then need no MFA query on every page.
        "has_work_queue": any(r.role in _QUEUE_ROLES for r in role_assignments(user)) and mfa_enabled(user),
        "oversees": any(r.role == Role.COUNCILLOR for r in role_assignments(user)) and mfa_enabled(user),
        # The mobilisation flags' page (mobilisation/permissions.py, can_see_flags).
        "sees_flags": any(r.role in (Role.DISTRICT_OFFICE, Role.COMMITTEE) for r in role_assignments(user))
        and mfa_enabled(user),
        "can_raise_proposals": any(r.role == Role.DISTRICT_OFFICE for r in role_assignments(user))
        and mfa_enabled(user),
        "unread_count": (
            user.notifications.filter(read_at__isnull=True).count() if user.is_authenticated else 0
        ),
    }
