"""A privileged account gets its first authenticator only through an administrator's one-time link,
never with its password alone (docs/security.md, "Enrolling the first authenticator")."""
import datetime
import hashlib
import threading
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from pbcity import services
from pbcity.models import MFAEnrolmentLink
from pbcity.roles import DISTRICT_SCOPED, Role
from pbcity.tests.factories import TOTP_SECRET, AgencyFactory, DistrictFactory, UserFactory, give_role

PASSWORD = "pw-for-tests-1"


def _code(secret) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _privileged(kind):
    if kind == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    if kind == "is_staff":
        return UserFactory(is_staff=True)
    role = Role(kind)
    scope = ({"district": DistrictFactory()} if role in DISTRICT_SCOPED
             else {"agency": AgencyFactory()} if role == Role.AGENCY else {})
    return give_role(UserFactory(), role, mfa=False, **scope)


def _admin():
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, TOTP_SECRET)
    return user


def _password_login(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and not response["Location"].startswith("/accounts/2fa/")
    return response


PRIVILEGED = ["superuser", "is_staff", *[r.value for r in Role]]
# What a privileged session would want before TOTP: the admin, staff pages, and allauth's own
# path to a password-only enrolment (the MFA pages, re-authentication, TOTP activation).
STAFF_PATHS = ["/", "/admin/", "/admin/pbcity/user/", "/proposals/queue/", "/proposals/new/",
               "/proposals/oversight/", "/inbox/", "/accounts/2fa/", "/accounts/2fa/totp/activate/",
               "/accounts/reauthenticate/", "/accounts/password/change/", "/accounts/email/"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PRIVILEGED)
def test_password_alone_cannot_enrol_nor_reach_any_staff_page(client, kind):
    user = _privileged(kind)
    _password_login(client, user)
    for path in STAFF_PATHS:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/enrolment/", path
        assert client.post(path, {"code": "123456"})["Location"] == "/accounts/enrolment/", path
    page = client.get("/accounts/enrolment/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "ask an administrator for an enrolment link" in page.content.decode()
    assert not _has_totp(user)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "district_office"])
def test_allauths_activation_refuses_a_privileged_account_even_past_the_middleware(client, settings, kind):
    """The old path: password login, re-authenticate with the same password, activate — refused by the form."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "pbcity.middleware.StaffMFAMiddleware"]
    user = _privileged(kind)
    _password_login(client, user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "ask an administrator for an enrolment link" in response.content.decode()
    assert not _has_totp(user)
    assert client.get("/admin/").status_code in (302, 403)


@pytest.mark.django_db
def test_residents_keep_optional_self_enrolment(client):
    resident = UserFactory()
    _password_login(client, resident)
    assert client.get("/proposals/").status_code == 200
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert _has_totp(resident)


def _open_link(client, token):
    page = client.get(f"/accounts/enrolment/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    return page, client.session.get("pbcity_mfa_enrolment_secret")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "is_staff", "district_office", "committee"])
def test_a_valid_link_enrols_once_and_the_next_session_needs_the_code(client, kind):
    user = _privileged(kind)
    token = services.mfa_enrolment_link_issue(account=user, actor=_admin())
    _password_login(client, user)
    page, secret = _open_link(client, token)
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in page.content.decode()
    response = client.post(f"/accounts/enrolment/{token}/", {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert _has_totp(user) and "_auth_user_id" not in client.session  # signed out: log in again with the code
    assert MFAEnrolmentLink.objects.get(user=user).used_at is not None
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert client.get("/proposals/").status_code == 200
    if user.is_staff:
        assert client.get("/admin/").status_code == 200
    # The authenticator is gone again (deactivated): the used link does not enrol a second time.
    Authenticator.objects.filter(user=user).delete()
    client.logout()
    _password_login(client, user)
    page, secret = _open_link(client, token)
    assert page.status_code == 400 and "already been used" in page.content.decode()
    assert client.post(f"/accounts/enrolment/{token}/", {"code": _code(secret or TOTP_SECRET)}).status_code == 400
    assert not _has_totp(user)


@pytest.mark.django_db
@pytest.mark.parametrize("case,message", [
    ("expired", "has expired"),
    ("other_account", "issued for another account"),
    ("unknown", "not valid"),
    ("retired", "not valid"),
])
def test_a_refused_link_enrols_nobody(client, case, message):
    user = _privileged("district_office")
    other = _privileged("district_office")
    admin = _admin()
    token = services.mfa_enrolment_link_issue(account=other if case == "other_account" else user, actor=admin)
    if case == "expired":
        MFAEnrolmentLink.objects.filter(user=user).update(
            expires_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1))
    if case == "unknown":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    if case == "retired":  # a newer link replaces it
        services.mfa_enrolment_link_issue(account=user, actor=admin)
    _password_login(client, user)
    page, secret = _open_link(client, token)
    assert page.status_code == 400 and message in page.content.decode()
    response = client.post(f"/accounts/enrolment/{token}/", {"code": _code(secret or TOTP_SECRET)},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and message in response.content.decode()
    assert not _has_totp(user) and not _has_totp(other)
    assert client.get("/admin/")["Location"] == "/accounts/enrolment/"


@pytest.mark.django_db
def test_a_wrong_code_keeps_the_link_and_says_why(client):
    user = _privileged("civil_affairs")
    token = services.mfa_enrolment_link_issue(account=user, actor=_admin())
    _password_login(client, user)
    _open_link(client, token)
    response = client.post(f"/accounts/enrolment/{token}/", {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert not _has_totp(user) and MFAEnrolmentLink.objects.get(user=user).used_at is None


@pytest.mark.django_db
def test_the_link_needs_the_accounts_password_too(client):
    user = _privileged("superuser")
    token = services.mfa_enrolment_link_issue(account=user, actor=_admin())
    response = client.get(f"/accounts/enrolment/{token}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_only_the_tokens_hash_is_stored_and_the_link_lasts_a_day():
    user = _privileged("agency")
    token = services.mfa_enrolment_link_issue(account=user, actor=_admin())
    link = MFAEnrolmentLink.objects.get(user=user)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert datetime.timedelta(hours=23, minutes=59) < link.expires_at - link.issued_at <= datetime.timedelta(hours=24)


@pytest.mark.django_db
@pytest.mark.parametrize("issuer,target,allowed", [
    ("superuser_totp", "superuser", True),
    ("superuser_totp", "district_office", True),
    ("staff_totp", "district_office", True),
    ("staff_totp", "superuser", False),  # a superuser's link only from a superuser
    ("staff_no_totp", "district_office", False),
    ("role_totp", "district_office", False),  # a staff role is not a site administrator
    ("resident", "district_office", False),
    ("self", "superuser", False),
])
def test_who_may_issue_a_link(issuer, target, allowed):
    account = _privileged(target)
    actor = {
        "superuser_totp": _admin,
        "staff_totp": lambda: give_role(UserFactory(is_staff=True), Role.TRAINER),
        "staff_no_totp": lambda: UserFactory(is_staff=True),
        "role_totp": lambda: give_role(UserFactory(), Role.CIVIL_AFFAIRS),
        "resident": UserFactory,
        "self": lambda: account,
    }[issuer]()
    if allowed:
        assert services.mfa_enrolment_link_issue(account=account, actor=actor)
    else:
        with translation.override("en"), pytest.raises(PermissionDenied, match="Only site administrators"):
            services.mfa_enrolment_link_issue(account=account, actor=actor)
        assert not MFAEnrolmentLink.objects.filter(user=account).exists()


@pytest.mark.django_db
def test_an_account_with_totp_needs_no_link():
    account = give_role(UserFactory(), Role.COMMITTEE)
    with translation.override("en"), pytest.raises(ValidationError, match="already has two-factor"):
        services.mfa_enrolment_link_issue(account=account, actor=_admin())


@pytest.mark.django_db
def test_the_admin_page_shows_a_link_once(client):
    admin_user = _admin()
    target = _privileged("district_office")
    client.force_login(admin_user)
    response = client.post("/admin/pbcity/user/", {"action": "issue_mfa_enrolment_link",
                                                    "_selected_action": [target.pk]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    token = html.split("/accounts/enrolment/")[1].split("/")[0]
    assert services.mfa_enrolment_link_check(token=token, user=target)
    # Afterwards the admin lists who issued which link, never the link itself.
    link = MFAEnrolmentLink.objects.get(user=target)
    assert link.issued_by == admin_user
    listing = client.get("/admin/pbcity/mfaenrolmentlink/").content.decode()
    assert str(target) in listing and token not in listing
    page = client.get(f"/admin/pbcity/mfaenrolmentlink/{link.pk}/change/").content.decode()
    assert token not in page and link.token_hash not in page


@pytest.mark.django_db
def test_the_operator_command_prints_a_working_link(capsys):
    user = _privileged("superuser")
    call_command("mfa_enrolment_link", user.email.upper())
    url = capsys.readouterr().out.strip()
    assert url.startswith("http") and "/accounts/enrolment/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert services.mfa_enrolment_link_check(token=token, user=user).issued_by is None
    with pytest.raises(CommandError, match="No account"):
        call_command("mfa_enrolment_link", "nobody@example.org")


@pytest.mark.django_db(transaction=True)
def test_two_racing_uses_of_one_link_enrol_once():
    user = _privileged("superuser")
    token = services.mfa_enrolment_link_issue(account=user, actor=_admin())
    barrier, outcomes = threading.Barrier(2), []

    def use(secret):
        try:
            barrier.wait()
            with translation.override("en"):
                services.mfa_enrolment_complete(token=token, user=user, secret=secret, code=_code(secret))
            outcomes.append("enrolled")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(s,)) for s in (TOTP_SECRET, "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("enrolled") == 1 and any("already been used" in o for o in outcomes), outcomes
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
