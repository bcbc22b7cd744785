"""The signed-in user is loaded with one statement that also says whether the account holds a staff role
(pbcity/auth_backends.py): the staff-MFA restriction still holds, inactive accounts are still refused, and
sessions signed in under Django's or allauth's own backend names stay signed in after the upgrade."""
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbcity.auth_backends import ModelBackend, user_load
from pbcity.permissions import is_staff_member
from pbcity.roles import Role
from pbcity.sessions import SessionStore
from pbcity.tests.factories import UserFactory, staff
from pbcity.tests.test_sessions_cached import _memory_cache  # noqa: F401  (autouse: sessions in a memory cache)

pytestmark = pytest.mark.django_db


def test_one_statement_loads_the_user_and_whether_they_hold_a_role():
    resident, officer = UserFactory(), staff(Role.COMMITTEE)
    with CaptureQueriesContext(connection) as ctx:
        loaded_resident, loaded_officer = user_load(str(resident.pk)), user_load(str(officer.pk))
        assert (is_staff_member(loaded_resident), is_staff_member(loaded_officer)) == (False, True)
    assert len(ctx.captured_queries) == 2  # one per user: the role question needed no query of its own
    assert loaded_officer.email == officer.email and loaded_officer.password == officer.password


@pytest.mark.parametrize("user_id", ["0", "not a number", "", "9" * 30])
def test_an_unknown_or_malformed_id_loads_nobody(user_id):
    assert user_load(user_id) is None


def test_an_inactive_account_is_not_signed_in():
    user = UserFactory(is_active=False)
    assert ModelBackend().get_user(str(user.pk)) is None


def test_a_staff_role_without_mfa_is_still_held_to_the_enrolment_pages():
    officer = staff(Role.COMMITTEE, mfa=False)
    client = Client()
    client.force_login(officer)
    answer = client.get(reverse("proposals:list"))
    assert answer.status_code == 302 and answer.url == reverse("mfa_enrolment_needed")


@pytest.mark.parametrize("old_backend", ["django.contrib.auth.backends.ModelBackend",
                                         "allauth.account.auth_backends.AuthenticationBackend"])
def test_a_session_signed_in_under_the_old_backend_name_stays_signed_in(old_backend):
    user = UserFactory()
    store = SessionStore()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: old_backend,
                  HASH_SESSION_KEY: user.get_session_auth_hash()})
    store.create()
    client = Client()
    client.cookies["sessionid"] = store.session_key
    page = client.get(reverse("proposals:mine"))
    assert page.status_code == 200 and page.wsgi_request.user.pk == user.pk


def test_the_plain_row_reader_gives_the_same_instance_as_the_orm():
    """pbcity.rows: every concrete field's value equals what the queryset returns (converters applied)."""
    from pbcity.models import User
    from pbcity.rows import RowReader

    user = UserFactory(name="王小明", phone="0912-345-678")
    orm = User.objects.get(pk=user.pk)
    plain, extra = RowReader(User, "u", "WHERE u.id = %s", extra=("1 + 1",)).fetch([user.pk])
    assert [getattr(plain, f.attname) for f in User._meta.concrete_fields] == \
        [getattr(orm, f.attname) for f in User._meta.concrete_fields]
    assert extra == (2,) and not plain._state.adding and plain._state.db == "default"
