"""The committee's decisions, hearings and local opposition on the project and proposal pages (pbcity.panels)."""
from django.template.loader import render_to_string


def _project(project, request) -> str:
    from . import selectors

    context = {
        "decisions": list(selectors.project_decisions(project=project)),
        "hearings": list(selectors.hearings_of(proposal=project.proposal)),
        "oppositions": list(selectors.oppositions_of(project=project)),
        "project": project,
    }
    if not any((context["decisions"], context["hearings"], context["oppositions"])):
        return render_to_string("accountability/_panel_empty.html", {"project": project}, request=request)
    return render_to_string("accountability/_panel.html", context, request=request)


def _proposal(proposal, request) -> str:
    from . import selectors

    # A proposal that became a project shows the panel on the project page; before that, its hearings.
    hearings = list(selectors.hearings_of(proposal=proposal).filter(project__isnull=True))
    decisions = list(selectors.proposal_decisions(proposal=proposal).filter(item__project__isnull=True))
    from . import permissions as perm

    user = getattr(request, "user", None)
    can_plan = perm.can_plan_hearing(proposal, user) and not _has_project(proposal)
    if not hearings and not decisions and not can_plan:
        return ""
    return render_to_string("accountability/_panel.html", {"decisions": decisions, "hearings": hearings,
                                                           "oppositions": [], "proposal": proposal,
                                                           "can_plan_hearing": can_plan}, request=request)


def _has_project(proposal) -> bool:
    from tracking.models import Project

    return Project.objects.filter(proposal=proposal).exists()


def register() -> None:
    from pbcity import panels

    panels.register("accountability", page="project", render=_project)
    panels.register("accountability", page="proposal", render=_proposal)
