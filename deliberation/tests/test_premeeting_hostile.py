"""Hostile or broken input on the pre-meeting and stage-1 pages gets a 4xx or a page, never a 500."""
from urllib.parse import quote

import pytest

from .premeeting_fixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "<script>alert(1)</script>", "' OR 1=1 --", "遮陽" * 600, "99999999999999999999", "-1", "🙂" * 50]


def test_hostile_input_never_causes_a_server_error(client, cast, cycle, premeeting, session, passed, assigned,
                                                   in_workshop):
    pm, s = premeeting.pk, session.pk
    for value in HOSTILE:
        for url in ("/deliberation/?cycle={v}", "/deliberation/premeetings/new/?cycle={v}"):
            r = client.get(url.format(v=quote(value)))
            assert r.status_code < 500 and b"<script>alert(1)</script>" not in r.content, url
        for who, posts in (
            ("district", [
                (f"/deliberation/premeetings/{pm}/designate/", {f"lead_{passed[0].pk}": value, "reason": value}),
                (f"/deliberation/premeetings/{pm}/record/", {"attending_agencies": value, "minutes": value}),
                ("/deliberation/premeetings/new/", {"held_on": value, "venue": value}),
                ("/deliberation/sessions/new/", {"starts_at": value, "venue": value, "online_url": value,
                                                 "experts": value}),
                (f"/deliberation/sessions/{s}/proposals/{in_workshop.pk}/suggestion/",
                 {f"s{in_workshop.pk}-expert": value, f"s{in_workshop.pk}-suggestion": value}),
                (f"/deliberation/proposals/{assigned.pk}/exclude/", {"category": value, "reason": value}),
            ]),
            ("lead", [
                (f"/deliberation/proposals/{assigned.pk}/contest/", {"agency": value, "reason": value}),
                (f"/deliberation/proposals/{assigned.pk}/contacts/", {"agency": value, "contacted_on": value,
                                                                      "way": value, "summary": value}),
                (f"/deliberation/proposals/{assigned.pk}/direct-execution/", {"budget_line": value, "reason": value}),
                (f"/deliberation/sessions/{s}/proposals/{in_workshop.pk}/opinion/",
                 {f"o{in_workshop.pk}-agency": value, f"o{in_workshop.pk}-verdict": value,
                  f"o{in_workshop.pk}-reasons": value, f"o{in_workshop.pk}-cost_estimate": value}),
            ]),
            ("civil", [
                (f"/deliberation/cycles/{cycle.year}/principles/", {"text": value, "agreed_on": value}),
                (f"/deliberation/cycles/{cycle.year}/exclusions/", {"name": value, "name_en": value,
                                                                    "explanation": value, "category": value}),
            ]),
        ):
            client.force_login(cast[who])
            for url, data in posts:
                r = client.post(url, data)
                assert r.status_code < 500, (who, url, value[:10])
                assert b"<script>alert(1)</script>" not in r.content
        client.logout()
    for path in ("/deliberation/cycles/99999999999999999999/principles/", "/deliberation/premeetings/99999999999999/",
                 "/deliberation/sessions/99999999999999999999/"):
        assert client.get(path).status_code == 404
