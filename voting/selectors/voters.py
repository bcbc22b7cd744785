"""Reads about voters."""
from voting.models import Voter


def voter_verified(*, user, cycle) -> Voter | None:
    """The user's verified voter record in this cycle, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Voter.objects.filter(cycle=cycle, user=user, status=Voter.Status.VERIFIED).first()


def voter_for(*, user, cycle) -> Voter | None:
    """The user's voter record in this cycle whatever its status, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Voter.objects.filter(cycle=cycle, user=user).select_related("district").first()


def verification_queue(*, user, cycle=None) -> list[Voter]:
    """Pending voters of the districts where the user acts as district-office staff, oldest first."""
    from pbcity.permissions import acts_as, role_assignments
    from pbcity.roles import Role

    district_ids = [ra.district_id for ra in role_assignments(user) if ra.role == Role.DISTRICT_OFFICE
                    and acts_as(user, Role.DISTRICT_OFFICE, district_id=ra.district_id)]
    if not district_ids:
        return []
    qs = (Voter.objects.filter(status=Voter.Status.PENDING, district_id__in=district_ids)
          .select_related("user", "district", "cycle").prefetch_related("documents").order_by("created_at", "id"))
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return list(qs[:500])


def register_imports(*, cycle=None):
    """Household-register imports, newest first."""
    from voting.models import RegisterImport

    qs = RegisterImport.objects.select_related("cycle", "imported_by")
    return qs.filter(cycle=cycle) if cycle is not None else qs
