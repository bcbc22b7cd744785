"""System-written sentences of the proposals app, stored as codes (pbcity/systext.py)."""
from django.utils.translation import gettext_noop

from pbcity.systext import systext_register


def register() -> None:
    systext_register("proposals.raised", gettext_noop("Raised"))
