"""The card and certificate PDFs carry the holder's Chinese name, drawn with an embedded CJK font."""
import shutil
import subprocess

import pytest
from django.urls import reverse

from training.models import CitizenCard
from training.tests.factories import card_holder

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]


def _text_and_fonts(tmp_path, body: bytes) -> tuple[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def _assert_cjk_embedded(fonts: str):
    rows = [line for line in fonts.splitlines() if "CJK" in line]
    assert rows, fonts
    assert all(" yes " in f" {line} " for line in rows), fonts  # emb column


def test_card_pdf(client, tmp_path):
    holder = card_holder("deliberation", name="黃淑芬")
    card = CitizenCard.objects.get(holder=holder, level="deliberation")
    client.force_login(holder)
    r = client.get(reverse("training:card_pdf", args=[card.number]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text, fonts = _text_and_fonts(tmp_path, r.content)
    assert "黃淑芬" in text and "審議卡" in text and card.verification_code in text
    _assert_cjk_embedded(fonts)


def test_attendance_certificate_pdf(client, tmp_path):
    holder = card_holder("basic", name="鄭志明")
    client.force_login(holder)
    r = client.get(reverse("training:certificate_pdf"))
    text, fonts = _text_and_fonts(tmp_path, r.content)
    assert "鄭志明" in text and "上課證明" in text and "3.0" in text
    _assert_cjk_embedded(fonts)
