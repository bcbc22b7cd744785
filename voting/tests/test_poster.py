"""The A3 exhibition poster: in the language of the page it is downloaded from, and filling its page."""
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from pbcity.tests.upload_samples import jpeg_bytes
from proposals import services as proposal_services

from .v1_fixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")]

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _poster(client, proposal, lang, tmp_path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    r = client.get(f"/voting/exhibition/{proposal.pk}/poster.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    path = tmp_path / f"poster-{lang}.pdf"
    path.write_bytes(r.content)
    return path


def _text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _inked_rows(path, tmp_path) -> list[bool]:
    """Which rows of the page, rendered at 20 dpi, carry any ink (a pixel clearly darker than white)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", "-singlefile", str(path), str(tmp_path / "page")],
                   check=True)
    img = Image.open(tmp_path / "page.png").convert("L")
    w, h = img.size
    px = img.load()
    return [any(px[x, y] < 200 for x in range(w)) for y in range(h)]


@pytest.fixture
def proposal(exhibited, cast):
    exhibited.title, exhibited.problem, exhibited.solution = "Shade trees for Daan Park", "Too hot.", "Plant trees."
    exhibited.save()
    proposal_services.attachment_add(proposal=exhibited, actor=cast["district"],
                                     upload=SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg"))
    return exhibited


def test_the_english_page_gives_an_english_poster_and_the_chinese_page_a_chinese_one(client, proposal, tmp_path):
    en = _text(_poster(client, proposal, "en", tmp_path))
    assert "Public exhibition" in en and "Scan the QR code" in en and "Estimated cost" in en
    # Nothing Chinese on the English poster: no hard-coded label, and the names in their English form.
    assert not CJK.findall(en), CJK.findall(en)
    zh = _text(_poster(client, proposal, "zh-hant", tmp_path))
    assert "公開展覽" in zh and "掃描 QR code" in zh and "預估經費" in zh and "Scan the QR code" not in zh


@pytest.mark.parametrize("with_photo", [True, False])
def test_a_short_proposal_still_fills_the_a3_page(client, proposal, tmp_path, with_photo):
    if not with_photo:
        proposal.attachments.all().delete()
    path = _poster(client, proposal, "en", tmp_path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 1190.55" in info or "842 x 1191" in info  # A3 in points
    assert re.search(r"^Pages:\s+1$", info, re.M)
    rows = _inked_rows(path, tmp_path)
    inked = [y for y, ink in enumerate(rows) if ink]
    h = len(rows)
    # Content reaches from the top margin to the bottom margin (14 mm of 420 mm is 3.3 %)...
    assert inked[0] < 0.06 * h and inked[-1] > 0.92 * h
    # ...with no blank band taller than a fifth of the page in between.
    gaps = [b - a for a, b in zip(inked, inked[1:], strict=False)]
    assert max(gaps) < 0.2 * h, max(gaps) / h


def test_the_poster_embeds_the_photo_when_files_live_in_an_s3_bucket(client, exhibited, cast, s3_storage, tmp_path):
    """A bucket has no local path (FieldFile.path raises): the photo is read and embedded as data."""
    from pbcity.filestore import is_object_store

    assert is_object_store()
    proposal_services.attachment_add(proposal=exhibited, actor=cast["district"],
                                     upload=SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg"))
    path = _poster(client, exhibited, "en", tmp_path)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) > 2  # a header of two lines, then the photo
