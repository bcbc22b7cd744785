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
