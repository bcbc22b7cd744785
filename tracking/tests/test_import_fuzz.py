"""Milestone CSV fuzz: every broken file gives a form error naming its line or imports cleanly — never a 500,
never half a file — and the corrected file is accepted after (issue 16, item 4)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from pbcity.tests.fuzz import broken_variants
from tracking.models import Milestone

pytestmark = pytest.mark.django_db
VALID = """project,agency,title,weight,planned_start,planned_end,status,percent,public_note,staff_note
{pk},,規劃設計,2,2026-09-01,2026-10-31,on_track,50,設計中,
{pk},,施工,3,,2026-12-15,not_started,,,"第一行
第二行"
{pk},,驗收,1,2026-12-16,2026-12-31,not_started,0,,
"""


def test_every_broken_milestone_csv_is_refused_with_its_line_or_imported_whole(client, cast, project):
    valid = VALID.format(pk=project.pk).encode()
    url = reverse("tracking:milestones_import", args=[project.pk])
    client.force_login(cast["lead"])
    cases = broken_variants(valid, sep=",")
    assert len(cases) >= 45
    for name, data in cases:
        sid = transaction.savepoint()
        try:
            resp = client.post(url, {"file": SimpleUploadedFile("m.csv", data), "reason": "my reason"})
            assert resp.status_code in (302, 400), name
            if resp.status_code == 400:
                # A message in the form, the reason typed is kept, nothing imported.
                assert resp.context["form"].errors, name
                assert 'value="my reason"' in resp.content.decode(), name
                assert not Milestone.objects.exists(), name
                resp = client.post(url, {"file": SimpleUploadedFile("m.csv", valid), "reason": "fixed"})
                assert resp.status_code == 302 and Milestone.objects.count() == 3, name
            else:
                assert 1 <= Milestone.objects.count() <= 4, name
        finally:
            transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("data,message", [
    ("title,planned_end,public_note\nA,2026-12-01," + "x" * 200_000 + "\n", "Line 2 is longer than"),
    # Each line short enough, the quoted field across them longer than the csv module reads.
    ('title,planned_end,public_note\nA,2026-12-01,"' + ("x" * 19_000 + "\n") * 8 + 'z"\n',
     "is not valid CSV (field larger than field limit"),
    ("title,planned_end\nA,2026-12-01\nB\x00,2026-12-02\n", "Line 3 contains a NUL character"),
    ("title,planned_end,public_note\nA,2026-12-01,ok\nB,2026-12-02,bell\x07\n",
     "Line 3: public_note: Remove the control"),
])
def test_the_reported_csv_cases_name_their_line(client, cast, project, data, message):
    """The 200,000-character field once gave a 500 ("field larger than field limit")."""
    client.force_login(cast["lead"])
    with translation.override("en"):
        resp = client.post(reverse("tracking:milestones_import", args=[project.pk]),
                           {"file": SimpleUploadedFile("m.csv", data.encode()), "reason": "r"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    assert message in resp.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not Milestone.objects.exists()


def test_utf16_and_broken_utf8_get_a_message_in_chinese(client, cast, project):
    client.force_login(cast["lead"])
    url = reverse("tracking:milestones_import", args=[project.pk])
    for data in ("title,planned_end\n甲,2026-12-01\n".encode("utf-16"), b"title,planned_end\nA,2026-12-01\n\xff,x\n"):
        resp = client.post(url, {"file": SimpleUploadedFile("m.csv", data), "reason": "r"})
        assert resp.status_code == 400 and "UTF-8" in resp.content.decode()
        assert "存成" in resp.content.decode() or "第 3 行" in resp.content.decode()
