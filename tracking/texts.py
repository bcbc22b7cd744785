"""System-written sentences of project tracking, stored as codes (pbcity/systext.py)."""
from django.utils.translation import gettext_noop

from pbcity.systext import systext_register


def register() -> None:
    systext_register("tracking.final_report", gettext_noop("Final report published"))
