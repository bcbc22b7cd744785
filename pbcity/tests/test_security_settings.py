"""Production settings: the deploy check passes, static files are served, the cache is shared; the CSP
is on every page and no served template carries inline script, handlers or styles."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "pbcity.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "VOTER_ID_HMAC_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "pbcity.example.tw",
        "SITE_URL": "https://pbcity.example.tw",
        "EMAIL_URL": "smtp://mail.example.tw:587",
        "PRIVATE_FILES_X_ACCEL_PREFIX": "/_private/",
        "TRUSTED_PROXY_COUNT": "1",
        **extra,
    })
    return env


def _run(args, env, timeout=120):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_check_deploy_passes_at_warning_level():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_insecure_values():
    env = _production_env(SECRET_KEY="short", SECURE_HSTS_SECONDS="3600", SECURE_SSL_REDIRECT="false")
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    for check in ("security.W009", "security.W008"):
        assert check in result.stderr + result.stdout, check


_PRODUCTION_PROBE = """
import django
django.setup()
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

url = static("css/pbcity.css")
assert url != "/static/css/pbcity.css" and url.endswith(".css"), url  # hashed by the manifest
client = Client(HTTP_HOST="pbcity.example.tw")
r = client.get(url, secure=True)
assert r.status_code == 200, r.status_code
assert b"".join(r.streaming_content).strip(), "empty stylesheet"
assert "max-age=315360000" in r["Cache-Control"], r["Cache-Control"]
plain = client.get(url)
assert plain.status_code == 301 and plain["Location"].startswith("https://"), plain.status_code
proxied = client.get(url, HTTP_X_FORWARDED_PROTO="https")
assert proxied.status_code == 200
h = proxied
assert "max-age=31536000; includeSubDomains; preload" == h["Strict-Transport-Security"], h["Strict-Transport-Security"]
print(settings.CACHES["default"]["BACKEND"])
"""


def test_production_serves_hashed_static_files_over_https_only(tmp_path):
    env = _production_env(STATIC_ROOT=str(tmp_path / "static"), REDIS_URL="redis://127.0.0.1:6399/0")
    # The admin's ~900 files are left out to keep the test quick; the mechanism is the same.
    collected = _run(["manage.py", "collectstatic", "--noinput", "-v0", "-i", "admin"], env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    probe = _run(["-c", _PRODUCTION_PROBE], env)
    assert probe.returncode == 0, probe.stdout + probe.stderr
    # Django's Redis cache (pbcity's subclass only reuses the client object: pbcity/cache.py).
    assert probe.stdout.strip() == "pbcity.cache.RedisCache"


def test_without_redis_the_cache_is_the_database_never_process_memory():
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env["DJANGO_SETTINGS_MODULE"] = "pbcity.settings.local"
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert "DatabaseCache" in result.stdout and "pbcity_cache" in result.stdout


@pytest.mark.django_db
def test_every_page_carries_the_strict_policy(client):
    for path in ("/", "/proposals/", "/accounts/login/"):
        csp = client.get(path)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in csp


# Templates for the browser (PDF templates are rendered by WeasyPrint, never served as pages).
_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on… event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\shx-on(?::|-)", re.I), "hx-on attribute (needs eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _browser_templates():
    for path in ROOT.rglob("*.html"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "staticfiles", "node_modules") or "templates" not in rel.parts:
            continue
        if "pdf" in rel.parts or "pdf" in path.stem:
            continue
        yield rel, path.read_text(encoding="utf-8")


def test_no_served_template_has_inline_script_handlers_or_styles():
    found = [f"{rel}: {what}" for rel, text in _browser_templates() for rx, what in _INLINE if rx.search(text)]
    assert not found, "move these to static files (docs/security.md):\n" + "\n".join(found)
    assert sum(1 for _ in _browser_templates()) > 50
