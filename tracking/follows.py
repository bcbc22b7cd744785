"""Projects people can follow (registered with pbcity.follows from TrackingConfig.ready)."""
from django.utils.translation import gettext_lazy as _


def _can_follow(target_id, user) -> bool:
    from .models import Project

    return Project.objects.filter(pk=target_id).exists()  # every project page is public


def _describe(ids) -> dict:
    from .models import Project

    projects = Project.objects.select_related("proposal").filter(pk__in=ids)
    return {p.pk: (p.title, p.get_absolute_url()) for p in projects}


def register() -> None:
    from pbcity import follows

    follows.register("project", label=_("Project"), can_follow=_can_follow, describe=_describe)
