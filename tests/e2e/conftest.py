"""Shared fixtures and helpers for the browser journeys in tests/e2e.

Everything collected under this directory is marked ``e2e``. The browser is Debian's Chromium
(never ``playwright install``); pytest-django's ``live_server`` runs in a thread of this process,
so tests see its e-mails in ``django.core.mail.outbox`` and need
``@pytest.mark.django_db(transaction=True)`` for the server to see their rows.

Helpers (also available as fixtures, so journeys need no imports):

- ``assert_no_axe_violations(page)`` / fixture ``axe_check``: axe-core, WCAG 2.0/2.1 A and AA.
- ``assert_no_horizontal_overflow(page)`` / fixture ``no_overflow``.
- ``login_browser(context, live_server, user)`` / fixture ``login``: logs a user into the browser
  through a Django session cookie (skips the password and the MFA step; meant for staff).
- ``set_browser_language(context, live_server, code)`` / fixture ``use_language``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread; Django's ORM calls there would
# otherwise raise SynchronousOnlyOperation. scripts/test.sh sets this too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
PHONE_VIEWPORT = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    """Mark every test collected under tests/e2e as ``e2e`` (``-m "not e2e"`` skips them)."""
    for item in items:
        try:
            path = Path(str(item.fspath)).resolve()
        except (TypeError, ValueError):  # pragma: no cover - items without a file
            continue
        if HERE in path.parents:
            item.add_marker(pytest.mark.e2e)


# --- Browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless unless --headed, quiet on the closed network."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Taipei resident's browser: Accept-Language zh-TW (the zh-Hant UI), Taipei time."""
    return {
        **browser_context_args,
        "locale": "zh-TW",
        "timezone_id": "Asia/Taipei",
    }


# --- Accessibility and layout -------------------------------------------------------------------

def axe_violations(page, *, context=None, tags=WCAG_TAGS) -> list[dict]:
    """Run axe-core on the page as it is now; return the violations carrying any of ``tags``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    wanted = set(tags)
    return [v for v in results.response["violations"] if wanted.intersection(v.get("tags", ()))]


def _target(target) -> str:
    if isinstance(target, list):
        return " >> ".join(_target(t) for t in target)
    return str(target)


def format_violations(violations: list[dict], *, max_nodes: int = 3) -> str:
    lines = []
    for v in violations:
        targets = [_target(n.get("target")) for n in v.get("nodes", [])[:max_nodes]]
        more = len(v.get("nodes", [])) - len(targets)
        lines.append(
            f"- {v['id']} [{v.get('impact')}]: {v.get('help')} ({len(v.get('nodes', []))} node(s))\n"
            f"    targets: {targets}{f' (+{more} more)' if more > 0 else ''}"
        )
        if v.get("nodes"):
            summary = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"    first: {summary[:300]}")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, context=None, tags=WCAG_TAGS) -> None:
    """Fail listing every WCAG 2.0/2.1 A/AA violation axe-core finds on the page."""
    violations = axe_violations(page, context=context, tags=tags)
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} WCAG A/AA violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


def assert_no_horizontal_overflow(page) -> None:
    """The page does not scroll sideways (reflow, WCAG 1.4.10)."""
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " culprits: Array.from(document.querySelectorAll('body *'))"
        "   .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)"
        "   .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')"
        "     + (el.className && typeof el.className === 'string'"
        "        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))})"
    )
    assert widths["scroll"] <= widths["inner"], (
        f"{page.url} overflows horizontally: scrollWidth {widths['scroll']} > innerWidth {widths['inner']}; "
        f"wide elements: {widths['culprits']}"
    )


@pytest.fixture
def axe_check():
    """``axe_check(page)`` asserts no WCAG 2.0/2.1 A/AA violations."""
    return assert_no_axe_violations


@pytest.fixture
def no_overflow():
    """``no_overflow(page)`` asserts the page does not scroll horizontally."""
    return assert_no_horizontal_overflow


# --- Sessions and language ----------------------------------------------------------------------

def login_browser(context, live_server, user) -> str:
    """Log ``user`` into the Playwright ``context`` with a Django session cookie.

    ``force_login`` skips the password and allauth's MFA stage, so it suits staff accounts that
    have TOTP turned on. The test must use ``django_db(transaction=True)`` so the live server
    sees the session row. Returns the session key.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": session_key,
            "url": live_server.url,
            "httpOnly": True,
            "sameSite": "Lax",
        }
    ])
    return session_key


def set_browser_language(context, live_server, code: str) -> None:
    """Choose the interface language as the language switch would (Django's language cookie)."""
    from django.conf import settings

    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}])


@pytest.fixture
def login(context, live_server):
    """``login(user)`` logs the user into the test's browser context (the one ``page`` uses)."""
    return lambda user: login_browser(context, live_server, user)


@pytest.fixture
def use_language(context, live_server):
    """``use_language("en")`` switches the test's browser context to that interface language."""
    return lambda code: set_browser_language(context, live_server, code)


# --- Content-Security-Policy --------------------------------------------------------------------

# Chromium reports every blocked inline script, handler, style or eval on the console with this phrase.
CSP_CONSOLE_MARKER = "Content Security Policy"


def watch_csp_violations(context, found: list) -> None:
    """Collect the CSP violations any page of ``context`` reports on its console into ``found``."""
    def on_console(msg):
        if CSP_CONSOLE_MARKER in msg.text:
            found.append(msg.text)

    context.on("console", on_console)


@pytest.fixture(autouse=True)
def _fail_on_csp_violation(request):
    """Every browser journey runs under the site's CSP and fails on any violation (docs/security.md).

    Wraps ``browser.new_context`` for the test, so contexts made by pytest-playwright's ``page``
    and by the journeys themselves are all watched.
    """
    if not {"browser", "page", "context", "new_context"} & set(request.fixturenames):
        yield
        return
    browser = request.getfixturevalue("browser")
    found: list[str] = []
    original = browser.new_context

    def new_context(*args, **kwargs):
        ctx = original(*args, **kwargs)
        watch_csp_violations(ctx, found)
        return ctx

    browser.new_context = new_context
    try:
        yield found
    finally:
        del browser.new_context  # back to the class's method
    if found and not request.node.get_closest_marker("csp_violations_expected"):
        pytest.fail("Content-Security-Policy violations in the browser:\n- " + "\n- ".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(django_db_blocker):
    """Journeys commit, so the database cache's rate-limit counters would outlive a test: clear them."""
    yield
    from django.core.cache import cache
    from django.db import DatabaseError

    with django_db_blocker.unblock():
        try:
            cache.clear()
        except DatabaseError:  # no test database (no journey ran): nothing was counted
            pass
