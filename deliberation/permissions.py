"""Who may do what in the deliberation stage. Predicates take (obj, user); built on pbcity.permissions."""
from pbcity.permissions import acts_as, holds_role  # noqa: F401
from pbcity.roles import Role  # noqa: F401

# pre-meeting and stage 1
