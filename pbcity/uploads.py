"""One check for every uploaded file: extension, size, real content (libmagic) and hidden active content.

A browser or PDF reader that meets an uploaded file must find nothing it would run: no HTML disguised
by a PDF header or hidden after an image's end marker, and no JavaScript or automatic actions in a PDF.
See docs/decisions.md, "Security hardening".
"""
import re
import secrets
import zlib
from pathlib import Path

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# Markers a browser's sniffer or an HTML parser acts on; none belongs in a PDF's text or an image.
_HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg|meta|link|style|img|form|base)[\s/>]",
    re.IGNORECASE,
)
# PDF names that run code or act on their own: JavaScript, automatic (additional) actions, launch and
# submit actions, embedded files and rich media.
_PDF_ACTIVE = re.compile(
    rb"/(?:JS|JavaScript|AA|OpenAction|Launch|SubmitForm|ImportData|EmbeddedFiles?|RichMedia|XFA|GoToE)"
    rb"(?=[\s/<>\[\]()%{}]|$)"
)
# A name with #xx escapes (/J#61vaScript is /JavaScript): decoded before the search above.
_PDF_ESCAPED_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
# A compressed stream may inflate to at most this much; more is treated as a decompression bomb.
_MAX_INFLATED = 50 * 1024 * 1024


def _decode_names(data: bytes) -> bytes:
    if b"#" not in data:
        return data
    return _PDF_ESCAPED_NAME.sub(
        lambda m: re.sub(rb"#([0-9A-Fa-f]{2})", lambda e: bytes([int(e.group(1), 16)]), m.group(0)), data
    )


def _object_streams(data: bytes):
    """The contents of the PDF's object streams (/Type /ObjStm), inflated when compressed.

    Dictionaries, and so the action names above, live either in the file's text or in object streams;
    other streams (page content, images, fonts) are data, searched neither raw nor inflated, so that
    random binary never passes for a name.
    """
    budget = _MAX_INFLATED
    for match in _PDF_STREAM.finditer(data):
        head = data[max(0, match.start() - 1024):match.start()]
        head = _decode_names(head[head.rfind(b"obj"):])
        if not re.search(rb"/ObjStm(?=[\s/<>\[\]()%{}]|$)", head):
            continue
        body = match.group(1)
        try:
            inflater = zlib.decompressobj()
            out = inflater.decompress(body, budget)
        except zlib.error:
            yield body  # not compressed (or not by Flate): search it as it is
            continue
        if inflater.unconsumed_tail:
            raise ValidationError(_("The PDF file could not be checked."), code="pdf_bomb")
        budget -= len(out)
        yield out


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(_("The file is not a complete PDF document."), code="pdf_structure")
    # Stream bodies are data (compressed images, fonts): the document's own text is what is left.
    text = _PDF_STREAM.sub(b"stream\nendstream", data)
    for chunk in (text, *_object_streams(data)):
        if _PDF_ACTIVE.search(_decode_names(chunk)):
            raise ValidationError(
                _("PDF files with scripts or automatic actions cannot be attached. Please print it to a plain PDF."),
                code="pdf_active",
            )
    # ...and, whatever the structure claims, the first and last kilobyte, where sniffers look.
    if _HTML_MARKERS.search(text) or _HTML_MARKERS.search(data[:1024]) or _HTML_MARKERS.search(data[-1024:]):
        raise ValidationError(_("The file contains web page code and cannot be attached."), code="html")


def _check_png(data: bytes) -> None:
    # Walk the chunks: length (4) + type (4) + data + CRC (4); nothing may follow IEND.
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            if data[pos:].strip(b"\x00"):
                raise ValidationError(_("The image has extra data after its end."), code="trailing")
            return
    raise ValidationError(_("The image is incomplete or damaged."), code="image_structure")


def _check_jpeg(data: bytes) -> None:
    end = data.rstrip(b"\x00")
    if not end.endswith(b"\xff\xd9"):
        raise ValidationError(_("The image has extra data after its end."), code="trailing")


_STRUCTURE = {"application/pdf": _check_pdf, "image/png": _check_png, "image/jpeg": _check_jpeg}


def upload_check(upload, *, allowed: dict[str, str] | None = None, max_bytes: int | None = None) -> str:
    """Refuse `upload` unless it is what its extension says and carries nothing active; return its type.

    `allowed` maps lower-case extensions to MIME types (default: ATTACHMENT_ALLOWED_TYPES); only types
    with a structural check here (PDF, PNG, JPEG) are accepted. Raises ValidationError with a
    translated message; leaves the file positioned at its start.
    """
    allowed = settings.ATTACHMENT_ALLOWED_TYPES if allowed is None else allowed
    max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    ext = Path(upload.name or "").suffix.lower()
    if ext not in allowed or allowed[ext] not in _STRUCTURE:
        names = ", ".join(sorted(e.lstrip(".").upper() for e in allowed))
        raise ValidationError(_("Only these file types can be attached: %(types)s.") % {"types": names}, code="type")
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}, code="size"
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    expected = allowed[ext]
    if magic.from_buffer(data[:65536], mime=True) != expected:
        raise ValidationError(_("The file's content does not match its type %(ext)s.") % {"ext": ext}, code="mismatch")
    _STRUCTURE[expected](data)
    if expected != "application/pdf" and _HTML_MARKERS.search(data[:1024] + data[-4096:]):
        raise ValidationError(_("The file contains web page code and cannot be attached."), code="html")
    return expected


def storage_name(filename: str) -> str:
    """An unguessable file name that keeps only the (lower-case) extension of `filename`."""
    return secrets.token_urlsafe(24) + Path(filename).suffix.lower()[:10]


# Types a browser may show inline; everything else is downloaded (Content-Disposition: attachment).
INLINE_TYPES = {"image/png", "image/jpeg"}


def file_response(fieldfile, *, filename: str, content_type: str):
    """Serve a stored private file after the caller has checked who may see it.

    With PRIVATE_FILES_X_ACCEL_PREFIX set (production behind nginx), nginx sends the bytes from an
    `internal` location; otherwise Django streams them. Either way: the stored type, nosniff,
    attachment unless an image, a sandboxing CSP and no shared caching. A missing file is Http404.
    """
    inline = content_type in INLINE_TYPES
    prefix = settings.PRIVATE_FILES_X_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + fieldfile.name
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        try:
            handle = fieldfile.open("rb")
        except FileNotFoundError as exc:  # the row outlived its file: nothing to serve, not a server error
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    patch_cache_control(response, private=True, no_cache=True)
    return response
