"""Hostile or broken input to the exhibition and voter pages never gives a server error (V1)."""
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pbcity.tests.factories import UserFactory
from voting.models import Voter
from voting.services import exhibition as ex_services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "<script>alert(1)</script>", "' OR 1=1 --", "遮陽" * 3000, "%00", "../../etc/passwd", "🙂" * 50,
           "-1", "99999999999999999999", "２０２０-01-01", "9999-12-31", "0001-01-01"]


def test_hostile_input_never_causes_a_server_error(client, exhibited, vote_cycle, district, cast):
    comment = ex_services.comment_post(actor=cast["resident"], proposal=exhibited, body="留言")
    from voting.services import voters

    voter = voters.voter_register(actor=UserFactory(), cycle=vote_cycle, raw_id=VALID_IDS[0], basis="work",
                                  birth_date=__import__("datetime").date(1990, 1, 1), district=district)
    for value in HOSTILE:
        for url in ("/voting/exhibition/?district={v}", "/voting/exhibition/{v}/", "/voting/voters/documents/{v}/",
                    "/voting/voters/register-imports/{v}/", "/voting/exhibition/{v}/poster.pdf"):
            r = client.get(url.format(v=quote(value, safe="")))
            assert r.status_code < 500, url
            assert b"<script>alert(1)</script>" not in r.content
        for who in ("resident", "district", "civil"):
            client.force_login(cast[who])
            posts = [
                ("/voting/voters/register/", {"id_number": value, "birth_date": value, "basis": value,
                                              "district": value, "document": value}),
                (f"/voting/exhibition/{exhibited.pk}/comment/", {"body": value, "body_format": value,
                                                                  "parent": value}),
                (f"/voting/exhibition/{exhibited.pk}/comment/", {"body": value, "body_format": "rich"}),
                (f"/voting/exhibition/comments/{comment.pk}/report/", {"reason": value}),
                (f"/voting/exhibition/comments/{comment.pk}/moderate/", {"action": value, "reason": value}),
                (f"/voting/voters/{voter.pk}/decide/", {"decision": value, "reason": value}),
                ("/voting/voters/register-imports/", {"file": SimpleUploadedFile(
                    "r.csv", f"id_hmac,birth_date,district\n{value},{value},{value}\n".encode())}),
                ("/voting/voters/me/documents/", {"file": SimpleUploadedFile("x.png", value.encode())}),
            ]
            for url, data in posts:
                r = client.post(url, data)
                assert r.status_code < 500, (who, url, value[:20])
                assert b"<script>alert(1)</script>" not in r.content
    voter.refresh_from_db()
    assert voter.status == Voter.Status.PENDING
