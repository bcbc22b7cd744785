"""A web node as deployed: deploy/granian.sh with production settings serves a voter's ballot end to end —
the page, the POST with session, CSRF and Origin, the receipt — over one kept-alive connection, as nginx
drives it upstream (docs/decisions.md, "Election-day speed: the application server")."""
import http.client
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from voting.models import Participation, SealedBallot

from .round_helpers import cast_people, civil, open_round, projects, voters  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def node(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a web node runs against PostgreSQL")
    db, port = connection.settings_dict, _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "pbcity.settings.production", "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/"
                        f"{db['NAME']}",
        "VOTER_ID_HMAC_KEY": "k" * 40, "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"https://127.0.0.1:{port}",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}", "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(tmp_path / "static"), "GRANIAN_PORT": str(port), "GRANIAN_WORKERS": "1",
    })
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True)
    proc = subprocess.Popen(["bash", str(ROOT / "deploy/granian.sh")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "granian.log", "w"))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "granian.log").read_text()[-2000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_ballot_through_the_deployed_server_over_one_kept_alive_connection(node, open_round, voters, projects):
    port = node
    browser = Client()
    browser.force_login(voters[0].user)  # the session row the node will read
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    path, origin = f"/voting/rounds/{open_round.pk}/ballot/", f"https://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    head = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "X-Forwarded-Proto": "https"}
    conn.request("GET", path, headers=head)
    page = conn.getresponse()
    body = page.read().decode()
    assert page.status == 200, body[:500]
    key = re.search(r'name="key" value="([^"]+)"', body).group(1)
    csrf = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    form = f"csrfmiddlewaretoken={csrf}&step=confirm&key={key}&p{projects[0].pk}=1"
    conn.request("POST", path, body=form, headers={
        **head, "Cookie": f"{head['Cookie']}; csrftoken={csrf}", "Origin": origin, "Referer": origin + path,
        "Content-Type": "application/x-www-form-urlencoded"})
    done = conn.getresponse()
    receipt = done.read().decode()
    assert done.status == 200 and re.search(r"<strong>[A-Z2-7]{4}(-[A-Z2-7]{4}){3}</strong>", receipt)
    assert "script-src 'self'" in done.getheader("Content-Security-Policy")
    assert done.getheader("Connection", "").lower() != "close"  # the connection stays open for the next request
    conn.request("GET", "/voting/rounds/", headers={"X-Forwarded-Proto": "https"})
    rounds = conn.getresponse()
    assert rounds.status == 200 and open_round.district.name in rounds.read().decode()
    assert Participation.objects.filter(round=open_round).count() == SealedBallot.objects.filter(
        round=open_round).count() == 1
