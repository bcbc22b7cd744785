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


def verification_queue(*, user, cycle=None, q: str = "") -> list[Voter]:
    """Pending voters of the districts where the user acts as district-office staff, oldest first.

    `q` finds the person at the desk: an ID number in hand matches its keyed code exactly (the number is
    never stored); anything else matches a part of the name or e-mail."""
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
    q = " ".join((q or "").split())[:100]
    if q:
        from django.db.models import Q

        from voting import rules

        normalised = rules.normalise_id(q)
        if rules.id_kind(normalised) is not None:
            from voting.services.voters import voter_id_keyed

            qs = qs.filter(id_hmac=voter_id_keyed(raw_id=normalised))
        else:
            qs = qs.filter(Q(user__name__icontains=q) | Q(user__email__icontains=q))
    return list(qs[:500])


def register_imports(*, cycle=None):
    """Household-register imports, newest first."""
    from voting.models import RegisterImport

    qs = RegisterImport.objects.select_related("cycle", "imported_by")
    return qs.filter(cycle=cycle) if cycle is not None else qs
