import pytest

from pbcity.roles import Role
from pbcity.tests.factories import AgencyFactory, CycleFactory, DistrictFactory, UserFactory, staff


@pytest.fixture
def district(db):
    return DistrictFactory(code="daan", name="大安區", name_en="Da'an")


@pytest.fixture
def other_district(db):
    return DistrictFactory(code="beitou", name="北投區", name_en="Beitou")


@pytest.fixture
def cycle(db):
    return CycleFactory(year=2026)


@pytest.fixture
def agency(db):
    return AgencyFactory(code="parks", name="公園路燈工程管理處", name_en="Parks Office")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="transport", name="交通局", name_en="Transportation")


@pytest.fixture
def resident(db):
    return UserFactory(name="王小明")


@pytest.fixture
def district_staff(district):
    return staff(Role.DISTRICT_OFFICE, district=district)


@pytest.fixture
def civil_staff(db):
    return staff(Role.CIVIL_AFFAIRS)


@pytest.fixture
def committee_member(db):
    return staff(Role.COMMITTEE)


@pytest.fixture
def agency_staff(agency):
    return staff(Role.AGENCY, agency=agency)
