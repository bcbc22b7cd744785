"""The site's Content-Security-Policy in the browser: logins with TOTP and the admin work under it, and
an injected inline handler is blocked and reported (so the conftest's violation check can fail a journey)."""
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from playwright.sync_api import expect

from pbcity.tests.factories import TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_superuser_logs_in_with_totp_and_uses_the_admin_under_the_csp(page, live_server):
    admin = UserFactory(is_staff=True, is_superuser=True, name="管理員")
    TOTP.activate(admin, TOTP_SECRET)
    response = page.goto(f"{live_server.url}/admin/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=%2Fadmin%2F")
    page.locator("#id_login").fill(admin.email)
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("#id_code")).to_be_visible()
    page.locator("#id_code").fill(format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30)))
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/pbcity/user/")
    expect(page.locator("#result_list")).to_contain_text(admin.email)


@pytest.mark.csp_violations_expected
def test_an_injected_inline_handler_is_blocked_and_reported(page, live_server, _fail_on_csp_violation):
    page.goto(f"{live_server.url}/proposals/")
    page.evaluate("""() => {
        const img = document.createElement('div');
        img.innerHTML = '<img src="data:," onerror="window.__pwned = 1" alt="">';
        document.body.append(img);
        const s = document.createElement('script');
        s.textContent = 'window.__pwned = 2';
        document.body.append(s);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert any("Content Security Policy" in v for v in _fail_on_csp_violation)


@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_the_too_many_attempts_page_is_accessible(lang, page, live_server, axe_check, use_language):
    use_language(lang)
    page.goto(f"{live_server.url}/accounts/login/")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    for _ in range(30):  # allauth's "login" limit: 30 per minute per address
        page.request.post(f"{live_server.url}/accounts/login/", form={"login": "x@example.tw", "password": "x"},
                          headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/accounts/login/"})
    page.locator("#id_login").fill("x@example.tw")
    page.locator("#id_password").fill("x")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("嘗試次數過多" if lang == "zh-hant" else "Too many attempts")
    axe_check(page)


def test_rate_limit_counters_do_not_outlive_the_previous_test(page, live_server):
    """Runs after the flood above: the address is not still refused."""
    user = UserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("h1")).not_to_have_text("嘗試次數過多")
    expect(page).to_have_url(f"{live_server.url}/")


@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_staff_without_totp_enrols_through_a_link_under_the_csp(lang, page, live_server, login, use_language,
                                                                axe_check):
    """Staff without TOTP reach only the page that says to ask for a link; the link's page shows its QR
    code (a data: image) under the policy and passes axe."""
    from pbcity.services import mfa_enrolment_link_issue

    use_language(lang)
    user = UserFactory(is_staff=True)
    token = mfa_enrolment_link_issue(account=user, actor=None, authorised=True)
    login(user)
    page.goto(f"{live_server.url}/proposals/")
    expect(page).to_have_url(f"{live_server.url}/accounts/enrolment/")
    axe_check(page)
    page.goto(f"{live_server.url}/accounts/enrolment/{token}/")
    qr = page.locator("main img").first
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())
    axe_check(page)
