"""One demo city per test run, copied for each test module that reads it (docs/decisions.md, "Test suite:
one demo city").

Building the demo (`manage.py seed_demo`) costs 25–40 s of CPU; seven test files used to build it each. The
first one to ask for the `demo_city` fixture now builds it once into a PostgreSQL database of its own, shared by
every xdist process of the run (an advisory lock: a process that needs it while another builds waits, using no
CPU). Each test module that asks for `demo_city` gets a fresh copy (`CREATE DATABASE … TEMPLATE`, well under a
second) and the default connection points at the copy for the module's tests, so a test may change the demo
freely: a `db` test's changes roll back as usual, a `transactional_db` test (a browser journey) empties only its
copy, and the copy is dropped when the module ends. The fixture is module-scoped so the copy is in place before
pytest-django opens a test's transaction (module fixtures are set up before function ones).

The build runs as a test would: as the runtime role, in one transaction whose on-commit hooks never run (a
test's transaction never commits; the outbox's tasks and the page cache's on-commit bumps are dropped, as in a
test), with the files it uploads written to a folder each process copies into its own MEDIA_ROOT. A failed
build fails every test that asks for the demo, with the build's traceback.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


@dataclass(frozen=True)
class DemoCity:
    """The demo database a module's tests run on, and what was observed while it was built."""

    database: str
    template: str
    home: str  # the process's own test database, where the connection points again after the module
    build: dict = field(default_factory=dict)  # e.g. {"bumps": 1, "seconds": 31.2}


def _run_uid(config=None) -> str:
    """One id for the whole run, the same in every xdist process (the controller hands it to the workers)."""
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not uid and config is not None:
        uid = getattr(config.option, "testrunuid", None)
    return (uid or f"p{os.getpid()}")[:12]


def _template_prefix(test_db_name: str) -> str:
    return re.sub(r"_gw\d+$", "", test_db_name) + "_demo_"


def _shared_dir(template: str) -> Path:
    return Path(tempfile.gettempdir()) / f"pbcity-{template}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _admin(database: str = "postgres"):
    """An autocommit connection to `database` (by default the server's `postgres`) as the owner role (it may
    CREATE DATABASE and set sequences; the runtime role may not), outside Django's connections and
    pytest-django's blocker."""
    import psycopg
    from django.db import connections

    from pbcity.dbroles import owner_credentials

    creds = {**connections["default"].settings_dict, **(owner_credentials() or {})}
    with psycopg.connect(host=creds.get("HOST") or None, port=creds.get("PORT") or None, user=creds.get("USER"),
                         password=creds.get("PASSWORD") or None, dbname=database, autocommit=True) as conn:
        yield conn.cursor()


# Process-level caches keyed by a primary key (e.g. voting's frozen round info) must never meet one id for two
# rows: the demo's rows start at this id, above what the other tests create, and every switch between the
# process's test database and a copy carries the sequences forward (`_carry_sequences`), so no database of
# the process hands out an id another one already used for a different row.
DEMO_IDS_FROM = 10_000_000


def _sequences(cur) -> dict[str, int]:
    cur.execute("SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
                "WHERE last_value IS NOT NULL")
    return dict(cur.fetchall())


def _raise_sequences(database: str, floor: dict[str, int] | int) -> None:
    """Every sequence of `database` at least at `floor` (one value for all, or one per sequence)."""
    with _admin(database) as cur:
        if isinstance(floor, int):
            cur.execute("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences")
            floor = dict.fromkeys((name for (name,) in cur.fetchall()), floor)
        names, values = list(floor), list(floor.values())
        cur.execute("SELECT setval(s.name::regclass, v.value) FROM unnest(%s::text[], %s::bigint[]) AS v(name, value) "
                    "JOIN (SELECT format('%%I.%%I', schemaname, sequencename) AS name, last_value FROM pg_sequences) s "
                    "ON s.name = v.name WHERE s.last_value IS NULL OR s.last_value < v.value", [names, values])


def _carry_sequences(source: str, target: str) -> None:
    with _admin(source) as cur:
        high = _sequences(cur)
    _raise_sequences(target, high)


def _lock(cur, template: str) -> None:
    cur.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])


def _unlock(cur, template: str) -> None:
    cur.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])


def _create_copy(cur, name: str, source: str) -> None:
    """CREATE DATABASE name TEMPLATE source, with the database-level rights migrate gives a test database
    (pbcity/audit/dbsetup.py: CONNECT for the runtime role, no TEMPORARY for anyone), which a copy does not
    inherit. The source must have no session open: a straggler (a live server's request thread closing its
    connection) gets a few seconds to go."""
    from pbcity.dbroles import runtime_role

    for attempt in range(50):
        try:
            cur.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(source)}")
            break
        except Exception as exc:  # psycopg.errors.ObjectInUse
            if "being accessed by other users" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.1)
    role = runtime_role()
    if role:
        cur.execute(f"GRANT CONNECT ON DATABASE {_quote(name)} TO {_quote(role)}")
        cur.execute(f"REVOKE TEMPORARY ON DATABASE {_quote(name)} FROM PUBLIC, {_quote(role)}")


def _drop(cur, name: str) -> None:
    cur.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


def _point_at(name: str) -> str:
    """Point the default connection (and every thread's next connection) at database `name`; return the
    database it pointed at."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    home = settings_dict["NAME"]
    connections.close_all()
    settings_dict["NAME"] = name
    return home


@contextmanager
def _connected_to(name: str):
    home = _point_at(name)
    try:
        yield
    finally:
        _point_at(home)


def _build(template: str, shared: Path) -> dict:
    """Build the demo into `template` (a copy of this process's freshly migrated test database) as a test
    would, and return what was observed: the page-cache bumps the build made or left to its commit."""
    from unittest import mock

    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.test.utils import override_settings

    from pbcity import pagecache

    connections.close_all()
    with _admin() as cur:
        _drop(cur, template)  # what a process killed while building left
        _create_copy(cur, template, connections["default"].settings_dict["NAME"])
    _raise_sequences(template, DEMO_IDS_FROM)
    real_bump, bumps = pagecache.bump, []

    def counting_bump():
        bumps.append(1)
        real_bump()

    started = time.monotonic()
    # PAGE_CACHE on, as in `make run`: portal's test asserts the build makes every cached page stale once.
    with _connected_to(template), override_settings(PAGE_CACHE=True, MEDIA_ROOT=str(shared / "media")), \
            mock.patch.object(pagecache, "bump", counting_bump):
        # A test's transaction (pytest-django marks it so: services' durable blocks nest in it as in a test).
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            # Bumps waiting for the commit count too: a build that bumped on each write would leave thousands.
            pending = sum(1 for _ids, hook, *_ in connection.run_on_commit if hook is counting_bump)
            connection.run_on_commit = []  # a test's transaction never commits: its hooks never run
        except BaseException as exc:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        atomic.__exit__(None, None, None)
    return {"bumps": len(bumps) + pending, "seconds": round(time.monotonic() - started, 1)}


def _ensure_template(template: str) -> tuple[dict, dict[str, int]]:
    """The built demo's facts and sequences; builds it when no process of this run has (under the advisory
    lock, which also keeps copies from being made while its sequences are read)."""
    shared = _shared_dir(template)
    facts, failed = shared / "build.json", shared / "failed.txt"
    with _admin() as cur:
        _lock(cur, template)
        try:
            if not facts.exists() and not failed.exists():
                (shared / "media").mkdir(parents=True, exist_ok=True)
                try:
                    built = _build(template, shared)
                except BaseException:
                    failed.write_text(traceback.format_exc(), encoding="utf-8")
                    _drop(cur, template)
                    raise
                facts.write_text(json.dumps(built), encoding="utf-8")
            elif failed.exists():
                pytest.fail("The demo city failed to build (in another test process):\n"
                            + failed.read_text(encoding="utf-8"), pytrace=False)
            with _admin(template) as seq_cur:
                sequences = _sequences(seq_cur)
        finally:
            _unlock(cur, template)
    return json.loads(facts.read_text(encoding="utf-8")), sequences


@pytest.fixture(scope="session")
def _demo_template(request, django_db_setup, django_db_blocker):
    from django.conf import settings
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        pytest.fail("The demo city fixture copies a PostgreSQL database: run the tests with scripts/test.sh.")
    template = _template_prefix(connections["default"].settings_dict["NAME"]) + _run_uid(request.config)
    with django_db_blocker.unblock():
        facts, sequences = _ensure_template(template)
        _raise_sequences(connections["default"].settings_dict["NAME"], sequences)
    # The demo's uploads (evidence photos, proof documents, the register file) where this process's pages look.
    shutil.copytree(_shared_dir(template) / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    yield template, facts
    if not _WORKER:  # one process: nobody else needs it (under xdist the controller drops it at the end)
        with _admin() as cur:
            _drop(cur, template)
        shutil.rmtree(_shared_dir(template), ignore_errors=True)


@pytest.fixture(scope="module")
def demo_city(_demo_template, django_db_blocker):
    """A fresh copy of the whole demo city for this module's tests (which still need `django_db`)."""
    template, facts = _demo_template
    copy = f"{template}_{_WORKER or 'main'}"
    with django_db_blocker.unblock():
        with _admin() as cur:
            _lock(cur, template)  # copies are made one at a time, never while the template is being built
            try:
                _drop(cur, copy)
                _create_copy(cur, copy, template)
            finally:
                _unlock(cur, template)
        home = _point_at(copy)
        _carry_sequences(home, copy)
    try:
        yield DemoCity(database=copy, template=template, home=home, build=facts)
    finally:
        with django_db_blocker.unblock():
            _point_at(home)
            _carry_sequences(copy, home)
            with _admin() as cur:
                _drop(cur, copy)


def pytest_configure(config):
    # The controller picks the run's id itself, so it knows which template to drop at the end.
    if hasattr(config.option, "testrunuid") and not hasattr(config, "workerinput") and not config.option.testrunuid:
        import uuid

        config.option.testrunuid = uuid.uuid4().hex


def pytest_sessionfinish(session):
    """The xdist controller drops the run's demo template and its folder once every process is done."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from django.conf import settings
    from django.db import connections

    if not settings.configured or connections["default"].vendor != "postgresql":
        return
    template = (_template_prefix(connections["default"].creation._get_test_db_name())
                + _run_uid(config))
    try:
        with _admin() as cur:
            _drop(cur, template)
    except Exception:  # noqa: BLE001 - cleanup of a throwaway database must not fail a finished run
        pass
    shutil.rmtree(_shared_dir(template), ignore_errors=True)
