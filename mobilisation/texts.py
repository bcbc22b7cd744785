"""System-written labels of mobilisation flags, stored as codes (pbcity/systext.py)."""
from django.utils.translation import gettext_noop

from pbcity.systext import systext_register


def register() -> None:
    systext_register("mobilisation.scope_item", gettext_noop("Proposal “%(title)s” at %(assembly)s"))
    systext_register("mobilisation.scope_table", gettext_noop("Table %(number)s at %(assembly)s"))
    systext_register("mobilisation.scope_assembly", gettext_noop("Sign-in at %(assembly)s"))
    systext_register("mobilisation.scope_round", gettext_noop("i-Voting %(year)s, %(district)s"))
    systext_register("mobilisation.scope_project", gettext_noop("Project “%(title)s”"))
    systext_register("mobilisation.group_village", gettext_noop("Village %(village)s"))
    systext_register("mobilisation.group_staff", gettext_noop("Signed in by %(name)s from %(time)s"))
    systext_register("mobilisation.group_window", gettext_noop("%(minutes)s minutes from %(start)s"))
    systext_register("mobilisation.group_network", gettext_noop("Network %(network)s…, hour from %(start)s"))
    systext_register("mobilisation.group_network_erased", gettext_noop("A network (its hash deleted)"))
    systext_register("mobilisation.group_device", gettext_noop("%(device)s, hour from %(start)s"))
    systext_register("mobilisation.group_office", gettext_noop("Verified in person by %(name)s"))
    systext_register("mobilisation.group_import", gettext_noop("Household-register import no. %(number)s"))
    systext_register("mobilisation.group_days", gettext_noop("Cast from %(first)s (%(days)s day(s))"))
    systext_register("mobilisation.group_ages", gettext_noop("Aged %(lo)s%(hi)s"))
    systext_register("mobilisation.group_bundle", gettext_noop("Also chose “%(title)s”"))
