"""pbcity.uploads.upload_check: real content by libmagic, no HTML in disguise, no active PDF content."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pbcity.uploads import storage_name, upload_check

from .upload_samples import jpeg_bytes, pdf_bytes, pdf_with_js_in_object_stream, png_bytes

ALLOWED = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _up(name, data):
    return SimpleUploadedFile(name, data)


def _refused(name, data, code):
    with pytest.raises(ValidationError) as exc:
        upload_check(_up(name, data), allowed=ALLOWED, max_bytes=1024 * 1024)
    assert exc.value.code == code, exc.value.messages


@pytest.mark.parametrize("name,data,expected", [
    ("plan.pdf", pdf_bytes(), "application/pdf"),
    ("plan.PDF", pdf_bytes(compress=True), "application/pdf"),
    ("site.png", png_bytes(), "image/png"),
    ("site.jpg", jpeg_bytes(), "image/jpeg"),
    ("site.jpeg", jpeg_bytes(), "image/jpeg"),
])
def test_genuine_files_pass_and_stay_readable(name, data, expected):
    up = _up(name, data)
    assert upload_check(up, allowed=ALLOWED, max_bytes=1024 * 1024) == expected
    assert up.read() == data


def test_html_starting_with_a_pdf_header_is_refused():
    _refused("plan.pdf", b"%PDF-1.4\n" + HTML, "pdf_structure")
    _refused("plan.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n", "html")
    _refused("plan.pdf", b"%PDF-1.4\n1 0 obj\n<< >>\nstream\n" + HTML + b"\nendstream\n%%EOF\n", "html")


def test_html_appended_to_images_is_refused():
    _refused("site.png", png_bytes() + HTML, "trailing")
    _refused("site.jpg", jpeg_bytes() + HTML, "trailing")


def test_html_renamed_as_image_or_pdf_is_refused():
    _refused("site.png", HTML, "mismatch")
    _refused("plan.pdf", HTML, "mismatch")
    _refused("site.jpg", png_bytes(), "mismatch")


@pytest.mark.parametrize("catalog", [
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    b"/Names << /JavaScript 5 0 R >>",
    b"/AA << /O << /S /Launch /F (calc.exe) >> >>",
    b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
])
def test_pdf_with_javascript_or_automatic_actions_is_refused(catalog):
    _refused("plan.pdf", pdf_bytes(extra_catalog=catalog), "pdf_active")


def test_pdf_with_javascript_inside_an_object_stream_is_refused():
    _refused("plan.pdf", pdf_with_js_in_object_stream(), "pdf_active")
    _refused("plan.pdf", pdf_with_js_in_object_stream(compress=False), "pdf_active")


@pytest.mark.parametrize("content", [
    b"BT (Use /JS and /OpenAction in your slides) Tj ET /AA",  # words in page text are not actions
    bytes(range(256)) * 32 + b"/JS /AA <script> <html>" + bytes(range(256)) * 32,  # image-like binary data
])
@pytest.mark.parametrize("compress", [False, True])
def test_data_streams_are_not_mistaken_for_actions_or_html(content, compress):
    up = _up("plan.pdf", pdf_bytes(content=content, compress=compress))
    assert upload_check(up, allowed=ALLOWED, max_bytes=1024 * 1024) == "application/pdf"


def test_a_decompression_bomb_in_an_object_stream_is_refused(monkeypatch):
    import pbcity.uploads

    monkeypatch.setattr(pbcity.uploads, "_MAX_INFLATED", 1000)
    bomb = pdf_bytes(content=b"0" * 5000, compress=True, stream_dict=b" /Type /ObjStm /N 1 /First 4")
    _refused("plan.pdf", bomb, "pdf_bomb")


def test_type_size_and_empty_files_are_refused():
    _refused("run.exe", b"MZ\x90\x00", "type")
    _refused("page.html", HTML, "type")
    _refused("empty.pdf", b"", "empty")
    with pytest.raises(ValidationError) as exc:
        upload_check(_up("big.pdf", pdf_bytes() + b" " * 2048), allowed=ALLOWED, max_bytes=1024)
    assert exc.value.code == "size"


def test_only_types_with_a_structural_check_can_be_allowed():
    with pytest.raises(ValidationError) as exc:
        upload_check(_up("a.txt", b"hello"), allowed={".txt": "text/plain"}, max_bytes=1024)
    assert exc.value.code == "type"


def test_storage_names_are_unguessable_and_keep_only_the_extension():
    a, b = storage_name("../../etc/計畫書.PDF"), storage_name("計畫書.pdf")
    assert a.endswith(".pdf") and b.endswith(".pdf") and a != b
    assert "/" not in a and "計畫" not in a and len(a) >= 32
