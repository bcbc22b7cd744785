import pytest

from pbcity.reference import DISTRICTS
from pbcity.tests.factories import DistrictFactory


@pytest.fixture
def taipei(db):
    """The twelve districts of the reference data, and the vendored boundaries loaded into them."""
    from places.services import places_load

    for code, name, name_en, _pop in DISTRICTS:
        DistrictFactory(code=code, name=name, name_en=name_en)
    places_load()
    from pbcity.models import District

    return {d.code: d for d in District.objects.all()}
