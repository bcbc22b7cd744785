import pytest

from .factories import TrackingCast


@pytest.fixture
def cast(district, other_district):
    return TrackingCast(district, other_district)


@pytest.fixture
def project(cast, cycle):
    return cast.project(cycle)
