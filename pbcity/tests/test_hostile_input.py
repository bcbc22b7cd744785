"""Hostile or broken input never produces a server error; it gets a 4xx or an ordinary page."""
import pytest
from django.core.management import call_command

from pbcity.models import User

HOSTILE = ["\x00", "<script>alert(1)</script>", "' OR 1=1 --", "遮陽" * 600, "%00", "../../etc/passwd", "🙂" * 50]

GETS = [
    "/proposals/?q={v}", "/proposals/?district={v}", "/proposals/?state={v}", "/proposals/?page={v}",
    "/proposals/?cycle={v}&category={v}", "/training/?kind={v}", "/training/experts/?field={v}",
    "/training/verify/?code={v}", "/assemblies/?district={v}",
]
PATHS = ["/training/verify/{v}/", "/training/cards/{v}/", "/training/courses/{v}/"]


@pytest.mark.django_db
def test_hostile_input_never_causes_a_server_error(client):
    """One demo city (building it is the slow part), every hostile value against every entry point."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
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
