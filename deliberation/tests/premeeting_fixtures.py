"""Fixtures for the pre-meeting, side-track and stage-1 tests: state built through the services."""
import datetime

import pytest
from django.utils import timezone, translation

from deliberation import services
from pbcity.roles import Role
from pbcity.tests.factories import AgencyFactory, staff
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast


@pytest.fixture
def english():
    """Service messages are matched in English here; pages are checked in both languages elsewhere."""
    with translation.override("en"):
        yield


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture
def civil(cast):
    return cast["civil"]


@pytest.fixture
def office(cast):
    return cast["district"]


@pytest.fixture
def premeeting(cast, cycle):
    return services.premeeting_plan(actor=cast["district"], cycle=cycle, district=cast.district,
                                    held_on=datetime.date(cycle.year, 5, 12), venue="大安區公所 3 樓")


@pytest.fixture
def passed(cast, cycle):
    """Two proposals the assembly passed, waiting for designation."""
    return [cast.walk(cycle, State.ASSEMBLY_PASSED), cast.walk(cycle, State.ASSEMBLY_PASSED)]


@pytest.fixture
def assigned(cast, cycle):
    """Designated: lead = cast.lead_agency, co = cast.co_agency."""
    return cast.walk(cycle, State.AGENCIES_ASSIGNED)


@pytest.fixture
def in_workshop(cast, cycle):
    return cast.walk(cycle, State.IN_WORKSHOP)


@pytest.fixture
def third_agency(db):
    return AgencyFactory(code="police", name="警察局", name_en="Police")


@pytest.fixture
def third_agency_staff(third_agency):
    return staff(Role.AGENCY, agency=third_agency)


@pytest.fixture
def expert(db):
    from training.models import Expert

    return Expert.objects.create(name="陳教授", affiliation="臺灣大學建築與城鄉研究所")


@pytest.fixture
def session(cast, cycle, expert):
    return services.session_plan(actor=cast["district"], cycle=cycle, district=cast.district,
                                 starts_at=timezone.now() + datetime.timedelta(days=3), venue="大安區公所 10 樓",
                                 experts=[expert])
