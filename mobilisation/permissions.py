"""Who sees and reviews mobilisation flags: the district office (its own district) and the committee,
with MFA — nobody else, before, during or after the vote (docs/decisions.md, "Mobilisation flags")."""
from pbcity.permissions import acts_as, mfa_enabled, role_assignments
from pbcity.roles import Role


def can_see_flags(user) -> bool:
    """Open the flag list: district-office staff of any district or a committee member, with MFA."""
    return any(r.role in (Role.DISTRICT_OFFICE, Role.COMMITTEE) for r in role_assignments(user)) and mfa_enabled(user)


def office_districts(user) -> list:
    """The districts whose office the user staffs (with MFA), for the list's filter."""
    if not mfa_enabled(user):
        return []
    return [r.district_id for r in role_assignments(user) if r.role == Role.DISTRICT_OFFICE]


def can_see_district(district_id, user) -> bool:
    """See the flags of a district: its own office, or the committee (city-wide)."""
    return acts_as(user, Role.COMMITTEE) or acts_as(user, Role.DISTRICT_OFFICE, district_id=district_id)


def can_see(flag, user) -> bool:
    """See one flag: the office of the flag's district, or the committee."""
    return can_see_district(flag.district_id, user)


def can_review(flag, user) -> bool:
    """Record a decision on a flag: whoever may see it."""
    return can_see(flag, user)


def can_compute(district_id, user) -> bool:
    """Ask for a recomputation of an assembly's or a round's flags."""
    return can_see_district(district_id, user)


def can_forget_networks(user) -> bool:
    """Delete a cycle's network hashes (when its evaluation is published): civil affairs or the committee."""
    return acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE)
