"""Fixtures for the exhibition and voter tests (V1). Modules import them with `from .v1_fixtures import *`.

`district`, `other_district` and `cycle` come from the root conftest.py."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from voting import rules

__all__ = ["english", "cast", "exhibited", "vote_cycle", "keyed", "register_csv", "VALID_IDS", "png_upload"]

# Valid numbers of each form (the check digits are worked by hand in test_rules_eligibility.py).
VALID_IDS = ["A123456789", "F131104093", "AB12345677", "A800000014", "B123456780", "C123456781"]


@pytest.fixture(autouse=True)
def english():
    """Service messages are matched in English here; pages are checked in both languages by their own tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def vote_cycle(cycle):
    """The cycle with its i-Voting phase starting on 2026-05-10 (the age rule's day)."""
    phase = cycle.phases.get(phase="voting")
    phase.starts_on, phase.ends_on = datetime.date(2026, 5, 10), datetime.date(2026, 5, 20)
    phase.save()
    return cycle


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture
def exhibited(cast, cycle):
    return cast.walk(cycle, State.ON_EXHIBITION)


def keyed(raw: str) -> str:
    from django.conf import settings

    return rules.id_keyed(rules.normalise_id(raw), key=settings.VOTER_ID_HMAC_KEY.encode())


def register_csv(rows, header="id_hmac,birth_date,district") -> SimpleUploadedFile:
    body = "\n".join([header, *(",".join(r) for r in rows)]) + "\n"
    return SimpleUploadedFile("register.csv", body.encode("utf-8"), content_type="text/csv")


def png_upload(name="student-card.png") -> SimpleUploadedFile:
    from pbcity.tests.upload_samples import png_bytes

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
