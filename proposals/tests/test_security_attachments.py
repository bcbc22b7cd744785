"""Attachments: served only through the proposal's visibility, under unguessable names, never sniffed."""
import io
import re

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pbcity.tests.hostile_files import assert_inert, encrypted_pdf
from pbcity.tests.upload_samples import pdf_bytes, png_bytes
from proposals import services
from proposals.models import Attachment
from proposals.states import State

from .lifecycle_helpers import Cast


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""


def _attach(proposal, actor, name="計畫書.pdf", data=None):
    return services.attachment_add(proposal=proposal, actor=actor, upload=SimpleUploadedFile(name, data or pdf_bytes()))


def _url(a):
    return f"/proposals/{a.proposal_id}/files/{a.pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize("who,allowed", [
    ("anonymous", False), ("resident", False), ("proposer", True), ("district", True),
    ("district_other", False), ("district_no_mfa", False), ("lead", False), ("committee", False),
    ("civil", False), ("councillor", False),
])
def test_a_drafts_file_is_served_only_to_those_who_may_see_the_draft(client, cast, cycle, who, allowed):
    draft = cast.new_proposal(cycle)
    a = _attach(draft, cast.proposer)
    if cast[who] is not None:
        client.force_login(cast[who])
    response = client.get(_url(a))
    if who == "district_no_mfa":
        assert response.status_code == 302  # sent to MFA setup before anything else
        return
    assert response.status_code == (200 if allowed else 404)
    if allowed:  # the file as stored: rewritten by pbcity.uploads, same page
        served = b"".join(response.streaming_content)
        assert served == a.file.open("rb").read() and served.startswith(b"%PDF-")
        with pikepdf.open(io.BytesIO(served)) as pdf:
            assert b"(Plan) Tj" in pdf.pages[0].Contents.read_bytes()


@pytest.mark.django_db
def test_a_public_proposals_file_is_served_to_anyone_as_a_download(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer)
    response = client.get(_url(a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%A8%88%E7%95%AB%E6%9B%B8.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_images_are_shown_inline(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer, name="site.png", data=png_bytes())
    response = client.get(_url(a))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_stored_names_are_unguessable_and_media_is_not_routed(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    a, b = _attach(p, cast.proposer), _attach(p, cast.proposer)
    assert a.file.name != b.file.name
    assert re.fullmatch(rf"proposals/{p.pk}/[A-Za-z0-9_-]{{32}}\.pdf", a.file.name), a.file.name
    assert client.get("/media/" + a.file.name).status_code == 404


@pytest.mark.django_db
def test_the_page_links_to_the_view_not_to_the_storage(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer)
    html = client.get(f"/proposals/{p.pk}/").content.decode()
    assert _url(a) in html and a.file.name not in html


@pytest.mark.django_db
def test_production_hands_the_bytes_to_nginx(client, cast, cycle, settings):
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = "/_private/"
    p = cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer)
    response = client.get(_url(a))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_private/" + a.file.name
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    draft = cast.new_proposal(cycle)
    hidden = _attach(draft, cast.proposer)
    response = client.get(_url(hidden))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


@pytest.mark.django_db
def test_a_file_of_another_proposal_or_a_missing_file_is_404(client, cast, cycle):
    p, q = cast.walk(cycle, State.RAISED), cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer)
    assert client.get(f"/proposals/{q.pk}/files/{a.pk}/").status_code == 404
    a.file.storage.delete(a.file.name)
    assert client.get(_url(a)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name,data,message", [
    ("plan.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", "無法讀取這個 PDF 檔案"),
    ("site.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "檔案內容與副檔名 .png 不符"),
    ("plan.pdf", encrypted_pdf("secret"), "PDF 檔案已加密或設有密碼"),
    ("site.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "僅能上傳下列類型的檔案"),
])
def test_the_upload_form_refuses_hostile_files_with_a_message(client, cast, cycle, name, data, message):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast.proposer)
    response = client.post(f"/proposals/{p.pk}/attach/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.filter(proposal=p).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name,data,content_type", [
    ("site.png", png_bytes() + b"<html><script>alert(1)</script></html>", "image/png"),
    ("plan.pdf", pdf_bytes(extra_catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "application/pdf"),
])
def test_the_upload_form_stores_a_file_with_active_parts_only_as_rebuilt(client, cast, cycle, name, data,
                                                                         content_type):
    """HTML after an image's end and a PDF's script were refused by detection before; now they are removed."""
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast.proposer)
    response = client.post(f"/proposals/{p.pk}/attach/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    a = Attachment.objects.get(proposal=p)
    assert a.content_type == content_type and a.original_name == name
    served = b"".join(client.get(_url(a)).streaming_content)
    assert served != data and a.size == len(served)
    assert_inert(served, content_type)
