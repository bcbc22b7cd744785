"""Login throttling: shared counters, trusted proxies, and no way for an attacker to lock the owner out."""
import time

import pytest
from allauth.core.internal import ratelimit
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from pbcity.accounts import client_ip
from pbcity.tests.factories import TOTP_SECRET, UserFactory

PASSWORD = "pw-for-tests-1"
OWNER_IP, ATTACKER_IP = "203.0.113.10", "198.51.100.66"


def _login(client, email, password, ip):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def _throttled(response) -> bool:
    if "_auth_user_id" in response.wsgi_request.session:
        return False
    if response.status_code == 429:
        return True
    codes = {e.code for errors in response.context["form"].errors.as_data().values() for e in errors}
    return response.status_code == 200 and "too_many_login_attempts" in codes


@pytest.mark.django_db
def test_wrong_passwords_are_throttled_and_the_owner_still_gets_in_from_their_address(client):
    owner, neighbour = UserFactory(), UserFactory()
    for _ in range(5):
        assert not _signed_in(_login(client, owner.email, "wrong-guess", ATTACKER_IP))
    # The sixth guess from that address is refused before the password is even checked...
    assert _throttled(_login(client, owner.email, PASSWORD, ATTACKER_IP))
    # ...while the owner (another address) and another account on the attacker's address still get in.
    assert _signed_in(_login(client, owner.email, PASSWORD, OWNER_IP))
    client.logout()
    assert _signed_in(_login(client, neighbour.email, PASSWORD, ATTACKER_IP))


@pytest.mark.django_db
def test_a_correct_password_does_not_use_up_the_allowance(client):
    owner = UserFactory()
    for _ in range(8):
        assert _signed_in(_login(client, owner.email, PASSWORD, OWNER_IP))
        client.logout()


@pytest.mark.django_db
def test_one_account_from_many_addresses_meets_the_per_account_limit(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "12/h/key"}
    owner = UserFactory()
    for i in range(12):
        _login(client, owner.email, "wrong-guess", f"198.51.100.{i // 4 + 1}")
    assert _throttled(_login(client, owner.email, PASSWORD, "198.51.100.99"))


@pytest.mark.django_db
def test_one_address_spraying_accounts_meets_the_per_address_limit(client):
    victims = [UserFactory() for _ in range(31)]
    for victim in victims[:30]:
        _login(client, victim.email, "wrong-guess", ATTACKER_IP)
    assert _throttled(_login(client, victims[30].email, PASSWORD, ATTACKER_IP))


@pytest.mark.django_db
def test_totp_attempts_are_throttled(client):
    user = UserFactory(is_staff=True)
    TOTP.activate(user, TOTP_SECRET)
    assert _login(client, user.email, PASSWORD, OWNER_IP)["Location"].startswith("/accounts/2fa/authenticate/")
    for _ in range(5):
        response = client.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR=OWNER_IP)
        assert response.status_code == 200
    good = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": good}, REMOTE_ADDR=OWNER_IP)
    assert response.status_code in (200, 429) and "_auth_user_id" not in client.session


@pytest.mark.parametrize("count,forwarded,remote,expected", [
    (0, "1.2.3.4", "10.0.0.1", "10.0.0.1"),  # no trusted proxy: the header is the client's to forge
    (1, "1.2.3.4", "10.0.0.1", "1.2.3.4"),
    (1, "6.6.6.6, 1.2.3.4", "10.0.0.1", "1.2.3.4"),  # a forged first entry is ignored
    (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "10.0.0.1", "1.2.3.4"),
    (2, "1.2.3.4", "10.0.0.1", "1.2.3.4"),  # skipped the outer proxy: the furthest recorded address
    (1, "", "10.0.0.1", "10.0.0.1"),
    (1, "not-an-ip", "10.0.0.1", "0.0.0.0"),
    (1, "2001:db8::1", "10.0.0.1", "2001:db8::1"),
])
def test_client_address_comes_from_the_trusted_proxies(settings, count, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_counter(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    owner = UserFactory()
    for _ in range(6):
        client.post("/accounts/login/", {"login": owner.email, "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER_IP)
    response = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=OWNER_IP)
    assert _signed_in(response)


def _two_processes(kind):
    """Two independent cache clients, as two gunicorn workers (or hosts) would hold."""
    if kind == "redis":
        import os

        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set (scripts/test.sh starts Redis)")
        return RedisCache(url, {"KEY_PREFIX": "throttle-test"}), RedisCache(url, {"KEY_PREFIX": "throttle-test"})
    return DatabaseCache("pbcity_cache", {}), DatabaseCache("pbcity_cache", {})


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["database", "redis"])
def test_the_counter_is_shared_between_processes(monkeypatch, kind):
    first, second = _two_processes(kind)
    first.clear()
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ATTACKER_IP)
    rl = {"login_failed": "30/10m/ip,5/5m/key"}
    for worker in (first, second, first, second, first):
        monkeypatch.setattr(ratelimit, "cache", worker)
        assert ratelimit.consume(request, app="allauth.account", action="login_failed", key="a@b|ip", config=rl)
    for worker in (first, second):
        monkeypatch.setattr(ratelimit, "cache", worker)
        assert not ratelimit.consume(request, app="allauth.account", action="login_failed", key="a@b|ip", config=rl)
    first.clear()


@pytest.mark.django_db
def test_a_flood_of_login_posts_gets_a_translated_429(client):
    owner = UserFactory()
    for _ in range(30):
        client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER_IP)
        client.logout()
    response = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER_IP)
    assert response.status_code == 429
    assert "嘗試次數過多" in response.content.decode()
    assert _signed_in(_login(client, owner.email, PASSWORD, OWNER_IP))
