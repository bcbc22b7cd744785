"""Voting rounds people can follow (registered with pbcity.follows from VotingConfig.ready)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _rounds():
    from .models import Round

    return Round.objects.exclude(status=Round.Status.DRAFT)  # a round being prepared is not public yet


def _can_follow(target_id, user) -> bool:
    return _rounds().filter(pk=target_id).exists()


def _describe(ids) -> dict:
    from django.utils.translation import gettext

    return {r.pk: (gettext("%(district)s, %(year)s") % {"district": r.district.display_name, "year": r.cycle.year},
                   reverse("voting:results", args=[r.pk]) if r.status == r.Status.TALLIED else reverse("voting:rounds"))
            for r in _rounds().select_related("district", "cycle").filter(pk__in=ids)}


def register() -> None:
    from pbcity import follows

    follows.register("round", label=_("Voting round"), can_follow=_can_follow, describe=_describe)
