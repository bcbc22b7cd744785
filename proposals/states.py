"""The proposal lifecycle's states and categories (DESIGN.md, "Lifecycle")."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft (not yet raised)")
    RAISED = "raised", _("Raised at assembly")
    ASSEMBLY_PASSED = "assembly_passed", _("Passed the assembly")
    ASSEMBLY_REJECTED = "assembly_rejected", _("Not passed at assembly")
    AGENCIES_ASSIGNED = "agencies_assigned", _("Agencies designated")
    DIRECT_EXECUTION = "direct_execution", _("Direct execution")
    IN_ASSESSMENT = "in_assessment", _("Assessment by agency")
    ASSESSMENT_CLOSED = "assessment_closed", _("Closed after assessment")
    EXCLUDED = "excluded", _("Excluded")
    IN_WORKSHOP = "in_workshop", _("In review workshop")
    REVIEW_PASSED = "review_passed", _("Passed review")
    REVIEW_FAILED = "review_failed", _("Failed review")
    ON_EXHIBITION = "on_exhibition", _("On exhibition")
    IN_VOTE = "in_vote", _("In i-Voting")
    ADMITTED = "admitted", _("Admitted")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    BUDGETING = "budgeting", _("Budget planning")
    IN_EXECUTION = "in_execution", _("In execution")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")
    CLOSED_EARLY = "closed_early", _("Closed early")

# States in which the work is being carried out by the agencies.
EXECUTION_STATES = frozenset({State.DIRECT_EXECUTION, State.BUDGETING, State.IN_EXECUTION})
# Before execution: the proposer may still withdraw; similar proposals may still merge.
PRE_EXECUTION_STATES = frozenset(
    {
        State.DRAFT,
        State.RAISED,
        State.ASSEMBLY_PASSED,
        State.AGENCIES_ASSIGNED,
        State.IN_ASSESSMENT,
        State.IN_WORKSHOP,
        State.REVIEW_PASSED,
        State.ON_EXHIBITION,
        State.IN_VOTE,
        State.ADMITTED,
    }
)
MERGEABLE_STATES = frozenset({State.RAISED, State.ASSEMBLY_PASSED, State.AGENCIES_ASSIGNED, State.IN_WORKSHOP})
OPEN_STATES = PRE_EXECUTION_STATES | EXECUTION_STATES


class Category(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic management")
    IDLE_SPACE = "idle_space", _("Idle-space planning")
    BEAUTIFICATION = "beautification", _("Environmental painting or beautification")
    PARKS = "parks", _("Parks and greenery")
    WALKING = "walking", _("Walking and accessibility")
    CULTURE = "culture", _("Culture and arts")
    EDUCATION = "education", _("Education and youth")
    WELFARE = "welfare", _("Social welfare and care")
    SPORTS = "sports", _("Sports and recreation")
    SAFETY = "safety", _("Public safety")
    ENVIRONMENT = "environment", _("Environment and sanitation")
    OTHER = "other", _("Other")


# Categories the city evaluates as a whole instead of putting them to the vote (seed ch. 22).
ASSESSMENT_CATEGORIES = frozenset({Category.TRAFFIC, Category.IDLE_SPACE, Category.BEAUTIFICATION})


class Track(models.TextChoices):
    DISTRICT = "district", _("District proposal")
    CITY_THEME = "city_theme", _("City-level thematic proposal")
    GROUP = "group", _("Group proposal (NGOs, disability groups)")


class ConsentKind(models.TextChoices):
    MERGE = "merge", _("Merge with a similar proposal")
    DIRECT_EXECUTION = "direct_execution", _("Direct execution by the agency")
    ASSESSMENT = "assessment", _("City-wide assessment by the agency")
