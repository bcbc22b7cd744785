"""Names with two languages follow the reader: cycles (like districts and agencies)."""
import pytest
from django.utils import translation

from pbcity.tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


def test_a_cycle_is_named_in_the_readers_language():
    cycle = CycleFactory(year=2031, name="2031 年臺北市參與式預算", name_en="Taipei Participatory Budgeting 2031")
    with translation.override("en"):
        assert cycle.display_name == "Taipei Participatory Budgeting 2031" and str(cycle) == cycle.display_name
    with translation.override("zh-hant"):
        assert cycle.display_name == "2031 年臺北市參與式預算"


def test_an_english_page_never_shows_the_chinese_name_of_a_cycle_without_an_english_one():
    cycle = CycleFactory(year=2032, name="2032 年參與式預算", name_en="")
    with translation.override("en"):
        assert cycle.display_name == "Participatory budgeting 2032"
