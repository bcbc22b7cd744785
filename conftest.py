import pytest

from pbcity.roles import Role
from pbcity.tests.factories import AgencyFactory, CycleFactory, DistrictFactory, UserFactory, staff

# The local S3 server (moto) and a fresh bucket per test, for the object-storage tests; one demo city built
# once per run and copied for each module that reads it (`demo_city`).
pytest_plugins = ["pbcity.tests.s3server", "pbcity.tests.demo_city"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test client's request activates its language in this thread and leaves it on: every test starts
    in the default language, so the order tests run in never changes which messages they see."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


# -- two database roles (docs/decisions.md, "Database roles") ---------------------------------------
# The test database is created and migrated as the owner role; the tests then run as the runtime role,
# as the web and the workers do. The flush between transactional tests runs as the owner (see
# pbcity/management/commands/flush.py). Without DATABASE_OWNER_URL nothing changes.
_ROLE_KEYS = ("USER", "PASSWORD", "HOST", "PORT")
_RUNTIME_CREDENTIALS: dict = {}


def _db_credentials(creds):
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict.update(creds)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from django.db import connections

    from pbcity.dbroles import owner_credentials

    owner = owner_credentials()
    if owner and connections["default"].vendor == "postgresql":
        settings_dict = connections["default"].settings_dict
        _RUNTIME_CREDENTIALS.update({k: settings_dict.get(k, "") for k in _ROLE_KEYS})
        _db_credentials(owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from pbcity.dbroles import owner_credentials

    if not _RUNTIME_CREDENTIALS:
        yield
        return
    with django_db_blocker.unblock():
        _db_credentials(_RUNTIME_CREDENTIALS)
    yield
    with django_db_blocker.unblock():
        _db_credentials(owner_credentials())  # the owner drops the test database


# -- the order test files run in (docs/decisions.md, "Test suite in processes") ----------------------------
# Each process takes the next file when it finishes one (scripts/test.sh: --dist loadfile, in this order).
# The longest files start first, so none of them ends the run alone; browser journeys, which mostly wait on
# Chromium, are spread among the other files so their waiting overlaps computing. Within a file the order
# is kept. The list holds the files that took 20 s or more on CI's two cores. The demo city is built once, by
# the first file that asks for it (pbcity/tests/demo_city.py): hostile input, first; the other files that read
# it come after files that do not, so no process waits for the build.
LONGEST_FIRST = (
    "pbcity/tests/test_hostile_input.py", "tests/e2e/test_assembly_journey.py", "tests/e2e/test_workshop_journey.py",
    "accountability/tests/test_demo.py", "tests/e2e/test_voting_journey.py", "pbcity/tests/test_backup_restore.py",
    "tests/test_pages_language.py", "tests/e2e/test_evaluation_journey.py", "tests/e2e/test_training_journey.py",
    "pbcity/tests/test_role_history_migration.py", "tracking/tests/test_worker.py",
    "tests/e2e/test_tracking_journey.py", "mobilisation/tests/test_pages.py",
)


def pytest_collection_modifyitems(config, items):
    import os

    if not os.environ.get("PYTEST_XDIST_WORKER"):  # only when the suite is split between processes
        return
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    first = [f for f in LONGEST_FIRST if f in files]
    journeys = [f for f in files if f.startswith("tests/e2e/") and f not in first]
    others = [f for f in files if not f.startswith("tests/e2e/") and f not in first]
    order = list(first)
    step = len(others) / len(journeys) if journeys else 0
    for i, f in enumerate(others):
        order.append(f)
        placed = len(order) - len(first) - i - 1
        while journeys and placed < (i + 1) / step:
            order.append(journeys.pop(0))
            placed += 1
    order += journeys
    items[:] = [item for f in order for item in files[f]]
