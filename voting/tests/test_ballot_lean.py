"""The ballot POST is a lean endpoint (pbcity/lean.py): it skips messages and history, renders the receipt
without the site header from a per-round page shell — and every protection still applies to it."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from pbcity import lean
from voting.models import Participation, SealedBallot

from .round_helpers import cast_people, civil, open_round, projects, voters  # noqa: F401

pytestmark = pytest.mark.django_db
RECEIPT = re.compile(r"<strong>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</strong>")


def _form_key(client, url):
    return re.search(r'name="key" value="([^"]+)"', client.get(url).content.decode()).group(1)


def _cast(client, voter, r, project, **headers):
    client.force_login(voter.user)
    url = reverse("voting:ballot", args=[r.pk])
    key = _form_key(client, url)
    return key, client.post(url, {"key": key, "step": "confirm", f"p{project.pk}": "1"}, **headers)


def test_the_lean_ballot_post_keeps_csp_security_headers_and_csrf(open_round, voters, projects):
    client = Client(enforce_csrf_checks=True)
    client.force_login(voters[0].user)
    url = reverse("voting:ballot", args=[open_round.pk])
    key = _form_key(client, url)
    token = client.cookies["csrftoken"].value
    # Without the CSRF token: refused, nothing stored.
    refused = client.post(url, {"key": key, "step": "confirm", f"p{projects[0].pk}": "1"})
    assert refused.status_code == 403 and Participation.objects.count() == 0
    done = client.post(url, {"key": key, "step": "confirm", f"p{projects[0].pk}": "1", "csrfmiddlewaretoken": token})
    assert done.status_code == 200 and RECEIPT.search(done.content.decode())
    assert "script-src 'self'" in done["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in done["Content-Security-Policy"]
    assert done["X-Frame-Options"] == "DENY"
    assert done["X-Content-Type-Options"] == "nosniff"
    assert done["Referrer-Policy"]
    assert done.wsgi_request.lean is True
    assert not hasattr(done.wsgi_request, "_messages")  # the messages middleware let it pass


def test_only_a_post_to_a_lean_view_is_lean(client, open_round, voters):
    client.force_login(voters[0].user)
    page = client.get(reverse("voting:ballot", args=[open_round.pk]))
    assert page.wsgi_request.lean is False and hasattr(page.wsgi_request, "_messages")
    other = client.post(reverse("voting:receipt_email", args=[open_round.pk]), {"key": "k" * 22})
    assert other.wsgi_request.lean is False and hasattr(other.wsgi_request, "_messages")


def test_the_receipt_page_is_the_voters_own_and_has_no_site_menu(open_round, voters, projects):
    lean._SHELLS.clear()
    seen = []
    for voter in voters[:3]:  # the page shell is shared; what is put in it is each voter's own
        client = Client()
        key, done = _cast(client, voter, open_round, projects[0], HTTP_ACCEPT_LANGUAGE="en")
        page = done.content.decode()
        receipt = RECEIPT.search(page).group(1)
        assert f'name="key" value="{key}"' in page
        assert "Your ballot has been cast." in page
        assert all(other not in page for other in seen)
        # The e-mail form's CSRF token is this request's and works.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        asked = client.post(reverse("voting:receipt_email", args=[open_round.pk]),
                            {"key": key, "csrfmiddlewaretoken": token})
        assert asked.status_code == 200
        assert "Log out" not in page and "Inbox" not in page  # no site menu on the hot path
        assert reverse("voting:board", args=[open_round.pk]) in page and 'id="main"' in page
        seen.append(receipt)
    assert SealedBallot.objects.count() == 3 and len(set(seen)) == 3
    # A replay of the last form: the same receipt again, in the replay wording, nothing new stored.
    again = client.post(reverse("voting:ballot", args=[open_round.pk]),
                        {"key": key, "step": "confirm", f"p{projects[0].pk}": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert RECEIPT.search(again.content.decode()).group(1) == seen[-1]
    assert "already been received" in again.content.decode() and SealedBallot.objects.count() == 3


def test_the_receipt_page_follows_the_language(open_round, voters, projects):
    lean._SHELLS.clear()
    _key, zh = _cast(Client(), voters[0], open_round, projects[0], HTTP_ACCEPT_LANGUAGE="zh-hant")
    _key, en = _cast(Client(), voters[1], open_round, projects[0], HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="zh-Hant"' in zh.content.decode() and "Your ballot has been cast." not in zh.content.decode()
    assert 'lang="en"' in en.content.decode() and "Your ballot has been cast." in en.content.decode()


def test_the_ballot_post_costs_four_queries(open_round, voters, projects, django_assert_num_queries, settings):
    """The user with the any-role check (staff-MFA) in one statement, the voter, the cast statement, and
    mobilisation's coarse trace of the request (no voter, no ballot: docs/security.md); the session comes from
    the cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _cast(Client(), voters[1], open_round, projects[0])  # warms the per-process round caches, like any voter before
    client = Client()
    client.force_login(voters[0].user)
    url = reverse("voting:ballot", args=[open_round.pk])
    key = _form_key(client, url)
    with django_assert_num_queries(4 + 2) as ctx:  # + the test's savepoint around the statement (2)
        done = client.post(url, {"key": key, "step": "confirm", f"p{projects[0].pk}": "1"})
    assert RECEIPT.search(done.content.decode())
    sqls = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "django_session" not in sqls and "notification" not in sqls and "mobilisation_casttrace" in sqls
    assert "pbcity_roleassignment" in ctx.captured_queries[0]["sql"]  # asked with the user, not on its own
