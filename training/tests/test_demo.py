import time

import pytest

from pbcity import demo as city_demo
from training import demo, selectors
from training.models import Attendance, CitizenCard, Course, Session

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Course, Session, Attendance, CitizenCard)]


def test_demo_is_idempotent_and_fills_every_districts_pools():
    ref = city_demo.reference_data()
    ref["cycles"] = city_demo.cycles()
    ref["users"] = city_demo.users(ref)
    started = time.monotonic()
    demo.seed(ref)
    first = time.monotonic() - started
    before = _counts()
    demo.seed(ref)
    assert _counts() == before
    for district in ref["districts"].values():
        assert selectors.card_pool(level="basic", district=district).count() >= 5
        assert selectors.card_pool(level="advanced", district=district).count() >= 2
        assert selectors.card_holders(level="deliberation", district=district).count() >= 3
    assert first < 20
