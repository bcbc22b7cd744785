"""Inclusion tags other apps' pages use to show the execution stage (proposal page, councillor's page)."""
from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("tracking/_proposal_project.html")
def proposal_project(proposal):
    """The project box on a proposal's page, when the proposal has become a project."""
    project = selectors.project_list().filter(proposal=proposal).first()
    if project is None:
        return {"status": None}
    return {"status": selectors.statuses([project])[0]}


@register.inclusion_tag("tracking/_oversight.html")
def district_projects(district, cycle=None):
    """The councillor's page: the district's projects with their flags."""
    return {"rows": selectors.oversight_projects(district=district, cycle=cycle), "district": district}


