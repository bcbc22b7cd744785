"""Who may do what in the evaluation app (the report itself is public)."""
from pbcity.permissions import acts_as
from pbcity.roles import Role


def can_import_population(obj, user) -> bool:
    """Civil-affairs staff (with MFA) import the city's population table."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


def can_build_report(obj, user) -> bool:
    """Civil-affairs staff (with MFA) may ask for a report to be built now instead of waiting for the beat."""
    return acts_as(user, Role.CIVIL_AFFAIRS)
