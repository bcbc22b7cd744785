"""Sessions are read from the cache and written through to the database (pbcity/sessions.py): a signed-in
request reads no session row, Redis going away logs nobody out, and logout ends the session everywhere."""
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbcity.roles import Role
from pbcity.sessions import SessionStore
from pbcity.tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    # The test settings' cache is the database; Redis stands behind the same interface in deployment.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"}}
    settings.SESSION_ENGINE = "pbcity.sessions"
    yield
    caches["default"].clear()


def _signed_in():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return user, client, client.cookies["sessionid"].value


def test_a_signed_in_request_reads_the_session_from_the_cache_not_the_table():
    user, client, key = _signed_in()
    assert Session.objects.filter(session_key=key).exists()  # written through
    assert caches["default"].get(SessionStore.cache_key_prefix + key) is not None
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("inbox"))
    assert page.status_code == 200 and page.wsgi_request.user == user
    assert not any("django_session" in q["sql"] for q in ctx.captured_queries)


def test_redis_down_falls_back_to_the_database_and_nobody_is_logged_out():
    user, client, key = _signed_in()
    broken = mock.patch.object(type(caches["default"]), "get", side_effect=ConnectionError("redis down"))
    broken_set = mock.patch.object(type(caches["default"]), "set", side_effect=ConnectionError("redis down"))
    with broken, broken_set:
        page = client.get(reverse("inbox"))
    assert page.status_code == 200 and page.wsgi_request.user == user


def test_emptied_cache_reads_the_row_and_caches_it_again():
    user, client, key = _signed_in()
    caches["default"].clear()  # Redis restarted without persistence
    assert client.get(reverse("inbox")).wsgi_request.user == user
    assert caches["default"].get(SessionStore.cache_key_prefix + key) is not None


def test_logout_ends_the_session_in_the_cache_and_the_database():
    user, client, key = _signed_in()
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert caches["default"].get(SessionStore.cache_key_prefix + key) is None
    stale = Client()
    stale.cookies["sessionid"] = key
    assert not stale.get(reverse("inbox")).wsgi_request.user.is_authenticated


def test_a_logout_redis_missed_leaves_a_copy_for_at_most_session_cache_seconds(settings):
    settings.SESSION_CACHE_SECONDS = 300
    store = SessionStore()
    with mock.patch.object(type(caches["default"]), "set") as cache_set:
        store["x"] = 1
        store.save()
    assert cache_set.call_args.args[2] <= 300  # not the session's two weeks
    with mock.patch.object(type(caches["default"]), "delete", side_effect=ConnectionError("redis down")):
        store.delete()  # logged, not raised: the row goes whatever happens
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_a_staff_session_without_totp_stays_restricted():
    """The staff-MFA restriction reads roles through the cheap any-role check and still applies."""
    person = staff(Role.CIVIL_AFFAIRS, mfa=False)
    client = Client()
    client.force_login(person)
    answer = client.get(reverse("inbox"))
    assert answer.status_code == 302 and answer["Location"] == reverse("mfa_enrolment_needed")
