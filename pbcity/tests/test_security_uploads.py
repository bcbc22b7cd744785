"""pbcity.uploads.upload_sanitise: accepted only as what libmagic and the extension say, then rebuilt by a parser.

The corpus of hostile files lives in hostile_files.py; tests/test_upload_fields.py runs it through every
upload field and downloads what was stored.
"""
import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from pbcity import uploads
from pbcity.uploads import storage_name, upload_sanitise

from .hostile_files import (
    CORPUS,
    HTML,
    MB,
    apng,
    assert_inert,
    bypass_jpeg_html_padding_late_eoi,
    bypass_pdf_comment_stream,
    bypass_pdf_html_deep_in_stream,
    bypass_png_html_in_text_chunk,
    jpeg_with_exif_gps,
    pdf_names,
    pdf_object_stream_bomb,
    pdf_page,
    pdf_with_annot,
    sixty_megabytes,
)
from .upload_samples import jpeg_bytes, pdf_bytes, png_bytes

ALLOWED = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def _clean(name, data, **kw):
    return upload_sanitise(SimpleUploadedFile(name, data), allowed=ALLOWED, max_bytes=kw.get("max_bytes", 10 * MB))


def _refused(name, data, code, **kw):
    with pytest.raises(ValidationError) as exc:
        _clean(name, data, **kw)
    assert exc.value.code == code, exc.value.messages
    return exc.value.messages[0]


@pytest.mark.parametrize("name", CORPUS)
def test_each_hostile_file_is_refused_with_a_message_or_rebuilt_inert(name):
    factory, expected = CORPUS[name]
    try:
        clean = upload_sanitise(factory(), allowed=ALLOWED, max_bytes=10 * MB)
    except ValidationError as exc:
        assert exc.code == expected, exc.messages
        assert exc.messages[0].strip()
        return
    assert expected == "clean", f"stored, but should have been refused ({expected})"
    assert_inert(clean.read(), clean.content_type)


def test_the_four_bypasses_of_issue_16_are_rebuilt_without_their_payload():
    """Each passed the old regular-expression checks (verified against the previous pbcity/uploads.py):

    - PDF, comment lines: the old check blanked everything between "stream\\n" and "endstream" before
      searching for /OpenAction; "%stream" and "%endstream" comments contain both words, so the catalogue
      and its /JavaScript action between them were never searched, while readers follow the xref to them.
    - PDF, HTML deep in a stream: stream bodies were not searched for HTML, only the first and last KB.
    - JPEG, HTML + padding + FF D9: the only structural check was "ends with FF D9", and HTML was looked
      for in the first 1 KB and last 4 KB; the HTML sat after the real end of the image, before 6 KB of padding.
    - PNG, tEXt chunk: the chunk walk accepted any chunk, and the HTML sat more than 1 KB from the start and
      4 KB from the end.
    Now the PDF is rewritten from the objects the document reaches, minus every action, and the images are
    re-encoded from their pixels: none of the payloads can survive.
    """
    pdf = _clean("plan.pdf", bypass_pdf_comment_stream())
    data = pdf.read()
    assert_inert(data, "application/pdf")
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert "/OpenAction" not in doc.Root and "/JavaScript" not in pdf_names(doc) and len(doc.pages) == 1
    deep = _clean("plan.pdf", bypass_pdf_html_deep_in_stream()).read()
    assert b"<html" not in deep.lower() and b"<script" not in deep.lower()
    with pikepdf.open(io.BytesIO(deep)) as doc:  # the page still says what it said (compressed now)
        assert b"(Plan) Tj" in doc.pages[0].Contents.read_bytes()
    jpeg = _clean("site.jpg", bypass_jpeg_html_padding_late_eoi()).read()
    assert_inert(jpeg, "image/jpeg")
    png = _clean("site.png", bypass_png_html_in_text_chunk()).read()
    assert_inert(png, "image/png")
    assert b"tEXt" not in png and b"Comment" not in png


@pytest.mark.parametrize("name,data,expected", [
    ("plan.pdf", pdf_bytes(), "application/pdf"),
    ("plan.PDF", pdf_bytes(compress=True), "application/pdf"),
    ("site.png", png_bytes(), "image/png"),
    ("site.jpg", jpeg_bytes(), "image/jpeg"),
    ("site.jpeg", jpeg_bytes(), "image/jpeg"),
])
def test_genuine_files_are_accepted_with_their_content(name, data, expected):
    up = SimpleUploadedFile(name, data)
    clean = upload_sanitise(up, allowed=ALLOWED, max_bytes=MB)
    assert clean.content_type == expected and clean.name == name and clean.size == len(clean.read())
    assert up.read() == data  # the upload itself is left at its start, untouched
    clean.seek(0)
    out = clean.read()
    assert_inert(out, expected)
    if expected == "application/pdf":
        with pikepdf.open(io.BytesIO(out)) as doc:
            assert b"(Plan) Tj" in doc.pages[0].Contents.read_bytes()
    else:
        before, after = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(out))
        assert after.size == before.size
        if expected == "image/png":
            assert after.tobytes() == before.tobytes()  # lossless: the very same pixels


def test_a_phone_photo_is_turned_upright_and_loses_its_gps():
    data = jpeg_with_exif_gps()  # 40×20 pixels, EXIF orientation 6 ("rotate 90° to view")
    out = _clean("photo.jpg", data).read()
    assert_inert(out, "image/jpeg")
    im = Image.open(io.BytesIO(out))
    assert im.size == (20, 40) and not im.getexif()
    assert b"Exif" not in out and b"PhoneMaker" not in out


def test_an_animated_png_keeps_its_first_frame_only():
    im = Image.open(io.BytesIO(_clean("a.png", apng()).read()))
    assert getattr(im, "n_frames", 1) == 1 and im.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


def test_image_bombs_are_refused_from_their_header_with_a_translated_message():
    for name in ("png-bomb", "jpeg-bomb"):  # 60 million pixels (our limit); 4.2 billion (Pillow's own guard)
        with translation.override("zh-hant"), pytest.raises(ValidationError) as exc:
            upload_sanitise(CORPUS[name][0](), allowed=ALLOWED, max_bytes=10 * MB)
        assert exc.value.code == "image_pixels" and "圖片" in exc.value.messages[0] and "50" in exc.value.messages[0]


def test_a_sixty_megabyte_upload_is_refused_before_a_byte_is_read():
    with pytest.raises(ValidationError) as exc:
        upload_sanitise(sixty_megabytes(), allowed=ALLOWED)  # its chunks() and read() raise AssertionError
    assert exc.value.code == "size"


def test_a_size_that_lies_is_caught_after_reading():
    up = SimpleUploadedFile("plan.pdf", pdf_bytes() + b" " * 4096)
    up.size = 10
    with pytest.raises(ValidationError) as exc:
        upload_sanitise(up, allowed=ALLOWED, max_bytes=1024)
    assert exc.value.code == "size"


@pytest.mark.parametrize("name", ["pdf-encrypted", "pdf-encrypted-empty-password"])
def test_encrypted_pdfs_are_refused_with_a_translated_message(name):
    with translation.override("zh-hant"), pytest.raises(ValidationError) as exc:
        upload_sanitise(CORPUS[name][0](), allowed=ALLOWED)
    assert exc.value.code == "pdf_encrypted" and "加密" in exc.value.messages[0]


def test_a_pdf_whose_object_stream_inflates_too_far_is_refused(monkeypatch):
    """qpdf inflates object streams to read a document: the limit turns a Flate bomb into a refusal."""
    bomb = pdf_object_stream_bomb(3 * MB)
    assert _clean("plan.pdf", bomb).size < 4096  # under the real limit (64 MB) the padding is harmless...
    previous = uploads.qpdf_settings.set_qpdf_limits(flate_max_memory=MB)
    try:
        _refused("plan.pdf", bomb, "pdf_unreadable")  # ...over it, the file is refused, not inflated
    finally:
        uploads.qpdf_settings.set_qpdf_limits(**previous)


def test_a_filled_form_keeps_what_it_shows_but_loses_the_field():
    appearance = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 20] /Length 25 >>\nstream\n"
                  b"BT (Filled in) Tj ET     \nendstream")
    data = pdf_page(page_extra=b"/Annots [5 0 R]", catalog_extra=b"/AcroForm << /Fields [5 0 R] >>",
                    more=(b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Filled in) /F 4 "
                          b"/Rect [10 10 110 30] /AP << /N 6 0 R >> >>", appearance))
    out = _clean("form.pdf", data).read()
    assert_inert(out, "application/pdf")
    with pikepdf.open(io.BytesIO(out)) as doc:
        shown = b"".join(obj.read_bytes() for obj in doc.objects if isinstance(obj, pikepdf.Stream))
        assert b"(Filled in) Tj" in shown  # the appearance was merged into the page
        assert len(doc.pages[0].get("/Annots", [])) == 0 and "/AcroForm" not in doc.Root


def test_links_inside_the_document_survive_and_links_out_of_it_do_not():
    inside = pdf_with_annot(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [3 0 R /Fit] >> >>")
    with pikepdf.open(io.BytesIO(_clean("a.pdf", inside).read())) as doc:
        assert doc.pages[0].Annots[0].A.S == pikepdf.Name.GoTo
    outside = pdf_with_annot(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://x.org) >> >>")
    with pikepdf.open(io.BytesIO(_clean("a.pdf", outside).read())) as doc:
        assert len(doc.pages[0].get("/Annots", [])) == 0


def test_markup_kept_in_an_image_stream_is_wrapped_in_hex():
    """qpdf never re-encodes a JPEG inside a PDF, so a comment segment with HTML would keep its bytes:
    the last pass stores such a stream as ASCIIHex (which has no "<") and the image still decodes."""
    out = _clean("a.pdf", CORPUS["pdf-image-with-script-comment"][0]().read()).read()
    assert_inert(out, "application/pdf")
    with pikepdf.open(io.BytesIO(out)) as doc:
        image = pikepdf.PdfImage(doc.pages[0].Resources.XObject.Im1)
        assert image.as_pil_image().size == (64, 64)


def test_our_own_output_is_refused_if_it_still_spells_markup(monkeypatch):
    """The last line of defence checks the rebuilt bytes; pretend the encoder produced markup."""
    real_save = Image.Image.save

    def save_with_markup(self, fp, *args, **kw):
        real_save(self, fp, *args, **kw)
        fp.write(HTML)

    monkeypatch.setattr(Image.Image, "save", save_with_markup)
    _refused("site.png", png_bytes(), "unsafe")


def test_only_types_with_a_sanitiser_can_be_allowed():
    with pytest.raises(ValidationError) as exc:
        upload_sanitise(SimpleUploadedFile("a.txt", b"hello"), allowed={".txt": "text/plain"}, max_bytes=1024)
    assert exc.value.code == "type"


def test_storage_names_are_unguessable_and_keep_only_the_extension():
    a, b = storage_name("../../etc/計畫書.PDF"), storage_name("計畫書.pdf")
    assert a.endswith(".pdf") and b.endswith(".pdf") and a != b
    assert "/" not in a and "計畫" not in a and len(a) >= 32


def test_a_truncated_image_is_refused_even_after_weasyprint_is_imported():
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from .hostile_files import CORPUS

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    for name in ("png-truncated", "jpeg-truncated", "png-bad-idat"):
        factory, expected = CORPUS[name]
        with pytest.raises(ValidationError) as refused:
            upload_sanitise(factory(), allowed=ALLOWED, max_bytes=10 * MB)
        assert refused.value.code == expected
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it
