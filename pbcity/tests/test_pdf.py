"""The one HTML → PDF path (pbcity/pdf.py)."""
import pytest
from django.core.exceptions import ValidationError

from pbcity.pdf import pdf_render
from pbcity.uploads import upload_sanitise

from .hostile_files import CORPUS, MB


def test_rendering_a_pdf_leaves_uploads_refusing_truncated_images():
    # WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process; a worker or web
    # process that rendered a report would then store truncated uploads.
    assert pdf_render("<p>報告</p>").startswith(b"%PDF")
    for name in ("png-truncated", "jpeg-truncated", "png-bad-idat"):
        factory, expected = CORPUS[name]
        with pytest.raises(ValidationError) as refused:
            upload_sanitise(factory(), allowed={".png": "image/png", ".jpg": "image/jpeg"}, max_bytes=10 * MB)
        assert refused.value.code == expected == "image_damaged", name
