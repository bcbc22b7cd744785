"""The admin is reached only through allauth's login with TOTP; is_staff / is_superuser count as staff."""
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib import admin

from pbcity.permissions import can_use_admin, is_staff_member, needs_mfa_setup
from pbcity.tests.factories import TOTP_SECRET, UserFactory

PASSWORD = "pw-for-tests-1"


def _totp_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def _superuser(mfa=True):
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory(is_staff=True, is_superuser=True)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.mark.django_db
def test_admin_login_redirects_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/pbcity/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpbcity%2Fuser%2F"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    # An outside `next` is dropped.
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_password_only_admin_login_is_refused(client):
    user = _superuser()
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/pbcity/user/").status_code == 302


@pytest.mark.django_db
def test_superuser_logs_in_through_allauth_and_totp(client):
    user = _superuser()
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": _totp_code()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pbcity/user/").status_code == 200


@pytest.mark.django_db
def test_superuser_without_totp_is_sent_to_ask_for_an_enrolment_link_and_refused_by_the_admin(client, rf):
    user = _superuser(mfa=False)
    client.force_login(user)
    for path in ("/admin/", "/admin/pbcity/user/", "/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/enrolment/", path
    # Even past the middleware, the admin site itself refuses.
    request = rf.get("/admin/")
    request.user = user
    assert not admin.site.has_permission(request)


@pytest.mark.django_db
def test_signed_in_accounts_without_admin_access_get_403_not_a_login_loop(client):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("flags,staff,admin_ok", [
    ({}, False, False),
    ({"is_staff": True}, True, True),
    ({"is_superuser": True}, True, False),  # Django's rule: the admin needs staff status too
    ({"is_staff": True, "is_superuser": True}, True, True),
    ({"is_staff": True, "is_active": False}, True, False),
])
def test_admin_flags_count_as_staff_for_the_mfa_rule(flags, staff, admin_ok):
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory(**flags)
    assert is_staff_member(user) is staff
    assert needs_mfa_setup(user) is staff
    assert can_use_admin(user) is False
    TOTP.activate(user, TOTP_SECRET)
    user = type(user).objects.get(pk=user.pk)
    assert needs_mfa_setup(user) is False
    assert can_use_admin(user) is admin_ok


def test_anonymous_is_not_staff():
    from django.contrib.auth.models import AnonymousUser

    assert not is_staff_member(AnonymousUser()) and not can_use_admin(AnonymousUser())
