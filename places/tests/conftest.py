import pytest

from places.tests.helpers import load_taipei


@pytest.fixture
def taipei(db):
    """The twelve districts of the reference data, and the vendored boundaries loaded into them."""
    return load_taipei()
