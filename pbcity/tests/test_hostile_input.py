"""Hostile or broken input never produces a server error; it gets a 4xx or an ordinary page."""
import pytest

from pbcity.models import User

HOSTILE = ["\x00", "<script>alert(1)</script>", "' OR 1=1 --", "遮陽" * 600, "%00", "../../etc/passwd", "🙂" * 50]

GETS = [
    "/proposals/?q={v}", "/proposals/?district={v}", "/proposals/?state={v}", "/proposals/?page={v}",
    "/proposals/?cycle={v}&category={v}", "/training/?kind={v}", "/training/experts/?field={v}",
    "/training/verify/?code={v}", "/assemblies/?district={v}",
]
PATHS = ["/training/verify/{v}/", "/training/cards/{v}/", "/training/courses/{v}/"]


def _known_entry_points(client):
    """The entry points listed by hand before the crawl below existed; kept as a fixed baseline."""
    for value in HOSTILE:
        _public_pages(client, value)
        _form_posts(client, value)


def _public_pages(client, value):
    from urllib.parse import quote

    for url in GETS:
        r = client.get(url.format(v=quote(value)))
        assert r.status_code < 500, url
        assert b"<script>alert(1)</script>" not in r.content
    for url in PATHS:
        r = client.get(url.format(v=quote(value, safe="")))
        assert r.status_code < 500, url


def _form_posts(client, value):
    for email in ("resident1@demo.pbcity.tw", "daan-office@demo.pbcity.tw", "trainer@demo.pbcity.tw"):
        client.force_login(User.objects.get(email=email))
        _posts_as_signed_in(client, value)


def _posts_as_signed_in(client, value):
    from assemblies.models import Assembly
    from proposals.models import Proposal
    from training.models import Session

    p = Proposal.objects.filter(district__code="daan", state="assembly_passed").first()
    a = Assembly.objects.filter(district__code="daan").order_by("-id").first()
    s = Session.objects.order_by("id").first()
    posts = [
        ("/proposals/new/", {"title": value, "problem": value, "solution": value, "cycle": value,
                             "district": value, "proposer_emails": value, "proposer_names": value}),
        (f"/proposals/{p.pk}/designate/", {"lead": value, "co_agencies": [value], "reason": value}),
        (f"/proposals/{p.pk}/revise/", {"title": value, "problem": value, "solution": value, "note": value,
                                        "estimated_cost": value}),
        (f"/assemblies/{a.pk}/desk/sign-in/", {"code": value}),
        (f"/assemblies/{a.pk}/desk/walk-in/", {"name": value, "contact": value}),
        (f"/assemblies/{a.pk}/edit/", {"title": value, "top_k": value, "votes_per_attendee": value}),
        (f"/training/sessions/{s.pk}/check-in/", {"user": value, "hours": value, "reason": value}),
        (f"/training/sessions/{s.pk}/register/", {"x": value}),
        (f"/proposals/{p.pk}/act/", {"transition": value, "reason": value}),
        (f"/proposals/{p.pk}/consent/", {"proposer": value, "kind": value, "given": value}),
        (f"/proposals/{p.pk}/merge/", {"into": value, "reason": value}),
        (f"/assemblies/{a.pk}/vote/", {"code": value}),
        (f"/assemblies/{a.pk}/vote/cast/", {"item": value, "code": value}),
    ]
    for url, data in posts:
        r = client.post(url, data)
        assert r.status_code < 500, url


# -- every form field of every POST endpoint, found by crawling as each role (issue 7, item 7) ---------------

# Control characters, a value far over any length limit, malformed numbers and ids, markup.
FIELD_VALUES = ["標題\n第二行\r\u2028\x1b\t", "遮" * 20000, "9" * 25]
# Sent in every field at once (cheaper than one field at a time): malformed numbers and ids, full-width
# digits, markup, NUL.
ALL_FIELDS_VALUES = [FIELD_VALUES[0], "abc", "-1.5", "１２", "<b>x</b>'\"", "\x00"]
# Staff first: a form several roles reach is attacked once, by the first (most privileged) role that reaches it.
ROLES = ["daan-office@demo.pbcity.tw", "civil@demo.pbcity.tw", "parks@demo.pbcity.tw", "committee@demo.pbcity.tw",
         "trainer@demo.pbcity.tw", "councillor-daan@demo.pbcity.tw", "citizen-daan-11@demo.pbcity.tw",
         "resident1@demo.pbcity.tw", "admin@demo.pbcity.tw", None]
ROUTE_ROLES = [None, "resident1@demo.pbcity.tw", "daan-office@demo.pbcity.tw"]


def _request(client, method, path, data, failures):
    """One request in its own savepoint, so a database error shows as a failure here, not in the next."""
    from django.db import transaction

    from pbcity.tests.hostile_crawl import is_server_error

    try:
        with transaction.atomic():
            r = client.post(path, data) if method == "post" else client.get(path, data)
            status = r.status_code
    except Exception as exc:  # noqa: BLE001 - any exception is the 500 this test looks for
        status = f"{type(exc).__name__}: {str(exc)[:200]}"
    if not isinstance(status, int) or is_server_error(status):
        failures.append(f"{method.upper()} {path} {sorted(data)[:6]} -> {status}")


def _attack_forms(client, forms, failures):
    for form in forms.values():
        for name in form.fields:
            for value in FIELD_VALUES:
                _request(client, form.method, form.action, {**form.fields, name: value}, failures)
        for value in ALL_FIELDS_VALUES:  # every field at once; NUL stops at the middleware
            _request(client, form.method, form.action, {n: value for n in form.fields}, failures)


def _attack_routes(client, examples, field_names, failures):
    """Every URL pattern, with real and hostile path parameters, gets a POST of junk in every known field."""
    from pbcity.tests.hostile_crawl import fill_route, url_patterns

    junk = {name: FIELD_VALUES[i % len(FIELD_VALUES)][:2000] for i, name in enumerate(sorted(field_names))}
    for route, _pattern in url_patterns():
        for path in fill_route(route, examples.get(route), "遮\n陽<'>"):
            _request(client, "post", path, junk, failures)


@pytest.mark.django_db
def test_every_form_field_of_every_endpoint_survives_hostile_values(client, demo_city):
    """Crawl the demo city as each role, then attack every form field and every URL pattern: never a 500."""
    from pbcity.tests.hostile_crawl import crawl, url_patterns

    _known_entry_points(client)
    client.raise_request_exception = True
    starts = ["/"] + ["/" + r for r, p in url_patterns() if "<" not in r]
    failures, all_forms, field_names = [], {}, set()
    for email in ROLES:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        forms, examples = crawl(client, starts)
        new = {k: f for k, f in forms.items() if k not in all_forms}
        all_forms.update(new)
        field_names.update(n for f in forms.values() for n in f.fields)
        _attack_forms(client, new, failures)
        if email in ROUTE_ROLES:
            _attack_routes(client, examples, field_names, failures)
    posts = [k for k in all_forms if k[1] == "post"]
    # The crawl must really reach the forms (a broken crawl would pass vacuously).
    assert len(posts) >= 20, sorted({k[0] for k in posts})
    assert failures == []
