"""The roles of DESIGN.md. Residents need no assignment: every verified account is one."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_OFFICE = "district_office", _("District-office staff")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil-affairs staff")
    AGENCY = "agency", _("Agency staff")
    COMMITTEE = "committee", _("Committee member")
    COUNCILLOR = "councillor", _("Councillor")
    TRAINER = "trainer", _("Trainer")


# Which scope each role needs: a district, an agency, or the whole city.
# Tuples, not sets: the order ends up in a migration's check constraint and must not vary per process.
DISTRICT_SCOPED = (Role.DISTRICT_OFFICE, Role.COUNCILLOR)
AGENCY_SCOPED = (Role.AGENCY,)
