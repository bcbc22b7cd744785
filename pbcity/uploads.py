"""One sanitiser for every uploaded file: what is stored and served is rebuilt by a real parser.

Detection by pattern matching was bypassed on every upload field (issue 16): HTML between PDF comment
lines, inside a stream far from both ends, after a JPEG's padding, inside a PNG text chunk. So nothing
here tries to recognise bad content any more. A file is accepted only as what libmagic and its
extension both say it is, and then rebuilt from what a parser understood of it:

- images (JPEG, PNG) are decoded by Pillow and re-encoded from their pixels alone: no trailing data,
  no text, comment or metadata chunks, no EXIF (its orientation is applied first), one frame;
- PDFs are opened by qpdf (pikepdf), stripped of everything that acts (JavaScript, automatic and
  additional actions, forms, launch/URI/submit/import/remote actions, attachments, acting annotations,
  rich media) and written out as a fresh file, which qpdf builds from the objects the document
  reaches: comments, unreachable objects, incremental updates and trailing data do not survive.

A last check on our own output refuses the rare file whose rebuilt bytes still spell markup a browser
could act on. See docs/decisions.md ("Uploads: sanitised by real parsers") and docs/security.md
("Uploads").
"""
import io
import re
import secrets
import zlib
from pathlib import Path

import magic
import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from pikepdf import Array, Dictionary, Name, Stream, sanitize
from pikepdf import settings as qpdf_settings
from PIL import Image, ImageCms, ImageFile, ImageOps

from pbcity.filestore import is_object_store, signed_url

# The only types any upload field accepts; each has a sanitiser below. SVG, HTML, office files and
# archives are refused by every field (none accepts them).
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}
# For a field that takes photos only: `allowed=IMAGE_EXTENSIONS` (extension → MIME type, as upload_sanitise reads).
IMAGE_EXTENSIONS = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
PDF_TYPE = "application/pdf"
# An image may hold at most this many pixels (a 48-megapixel phone photo fits); more is refused before
# its pixels are decoded, so a small file that would inflate to gigabytes (a "bomb") costs nothing.
MAX_IMAGE_PIXELS = 50_000_000
# qpdf may inflate at most this much per stream while reading a PDF (object streams): more is an error,
# not gigabytes of memory. qpdf's limits are process-wide, set once at start-up: importing this module does it.
PDF_MAX_INFLATE = 64 * 1024 * 1024
qpdf_settings.set_qpdf_limits(flate_max_memory=PDF_MAX_INFLATE)
# Markup a browser's sniffer or an HTML parser acts on. Used only to check our own output (the last step
# of _sanitise_image and _sanitise_pdf), never to judge an upload.
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta|link|style|img|form|base)[\s/>]",
    re.IGNORECASE,
)


def _refused(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# --- images -------------------------------------------------------------------------------------

def _sanitise_image(data: bytes, mime: str) -> bytes:
    fmt = IMAGE_TYPES[mime]
    damaged = _refused(_("The image is incomplete or damaged."), "image_damaged")
    too_large = _refused(
        _("The image is too large (at most %(mp)d million pixels). Please resize it.")
        % {"mp": MAX_IMAGE_PIXELS // 1_000_000},
        "image_pixels",
    )
    try:
        # Only the parser of the detected type may read it (Pillow would otherwise try them all).
        im = Image.open(io.BytesIO(data), formats=[fmt])
        width, height = im.size
        # Checked from the header, before any pixel is decoded: a bomb is refused at no cost.
        if width * height > MAX_IMAGE_PIXELS:
            raise too_large
        # Animated PNG and multi-picture JPEG (MPO) keep their first frame, the one every viewer shows
        # as the still image; the others are dropped with the rest of the file.
        im.seek(0)
        _load_whole(im)
        # A phone's "rotate 90°" lives in EXIF, which is dropped below: apply it to the pixels first.
        im = ImageOps.exif_transpose(im)
        im = _pixels_only(im, fmt)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard (2 × Image.MAX_IMAGE_PIXELS) at open
        raise too_large from exc
    except Exception as exc:  # noqa: BLE001 - a crafted file makes a parser raise anything: refuse, never a 500
        raise damaged from exc
    for attempt in range(2):  # a second encoding with other settings changes every compressed byte
        out = io.BytesIO()
        try:
            if fmt == "JPEG":
                im.save(out, "JPEG", quality=90 - attempt, optimize=True)
            else:
                im.save(out, "PNG", compress_level=6 + 3 * attempt)
        except Exception as exc:  # noqa: BLE001 - an odd mode or size the encoder rejects: refuse, never a 500
            raise damaged from exc
        clean = out.getvalue()
        if not _MARKUP.search(clean):
            return clean
    raise _unsafe()


def _unsafe() -> ValidationError:
    return _refused(_("The file could not be made safe to share. Please save it again and retry."), "unsafe")


def _load_whole(im) -> None:
    """Decode every pixel, refusing a truncated file: WeasyPrint sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES on import, so whether a damaged upload were refused would depend on what the
    process had rendered before (docs/decisions.md, "Uploads")."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        im.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _pixels_only(im, fmt: str):
    """A new image holding only `im`'s pixels (and palette): no text, EXIF, ICC, XMP or comment."""
    if im.info.get("icc_profile"):
        im = _to_srgb(im)
    if fmt == "JPEG":
        if im.mode not in ("L", "RGB"):
            im = im.convert("RGB")
    elif im.mode not in ("1", "L", "LA", "RGB", "RGBA", "P", "I;16"):
        im = im.convert("RGBA")
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")  # transparency becomes pixels rather than an ancillary chunk
    # A new image from the raw pixels: nothing of `im.info` (text, comment, EXIF, XMP) can follow it.
    clean = Image.frombytes(im.mode, im.size, im.tobytes())
    if im.mode == "P":
        clean.putpalette(im.getpalette())
    return clean


def _to_srgb(im):
    """Convert pixels tagged with a colour profile to sRGB, so that dropping the profile keeps the colours."""
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(im.info["icc_profile"]))
        mode = "RGBA" if "A" in im.mode else "RGB"
        return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im  # an unusable profile: the pixels as they are


# --- PDF ----------------------------------------------------------------------------------------

# Action types that reach outside the document, run code, or play media; only GoTo (a page in the same
# file) survives.
_PDF_BAD_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ResetForm", "/ImportData", "/GoToR", "/GoToE", "/GoToDp",
    "/Rendition", "/Movie", "/Sound", "/RichMediaExecute", "/Hide", "/SetOCGState", "/Named", "/Thread",
    "/GoTo3DView", "/Trans",
})
# Annotations that only show something; every other subtype (Widget, FileAttachment, Screen, RichMedia,
# Movie, Sound, 3D, ...) acts and is removed.
_PDF_KEPT_ANNOTS = frozenset({
    "/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
    "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/Popup",
})
# The catalogue keeps what describes pages and navigation; /OpenAction, /AA, /AcroForm (and its XFA),
# /Names other than /Dests, /URI, /Metadata, /Collection, /AF, /Extensions, /Perms, ... are dropped.
_PDF_KEPT_ROOT = frozenset({
    "/Type", "/Pages", "/PageLabels", "/Names", "/Dests", "/Outlines", "/PageLayout", "/PageMode", "/Lang",
    "/MarkInfo", "/StructTreeRoot", "/ViewerPreferences", "/Version", "/OCProperties",
})
# Keys that act wherever they appear: additional actions, scripts, embedded and related files.
_PDF_DROPPED_KEYS = ("/AA", "/JS", "/OpenAction", "/AcroForm", "/XFA", "/EmbeddedFiles", "/EF", "/RF", "/AF",
                     "/RichMediaContent", "/RichMediaSettings")


def _sanitise_pdf(data: bytes) -> bytes:
    unreadable = _refused(_("The PDF file could not be read. Please save or print it again as a PDF."),
                          "pdf_unreadable")
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except Exception as exc:  # noqa: BLE001 - qpdf refuses a broken file in many ways
        raise unreadable from exc
    with pdf:
        if pdf.is_encrypted:  # even with an empty password: we cannot promise what we cannot rewrite plainly
            raise _encrypted()
        try:
            if len(pdf.pages) == 0:
                raise _refused(_("The PDF file has no pages."), "pdf_empty")
            # Filled-in form fields keep their visible values: their appearance joins the page first.
            pdf.flatten_annotations("all")
            for step in (sanitize.remove_javascript, sanitize.remove_external_access, sanitize.remove_attachments,
                         sanitize.remove_multimedia, sanitize.remove_collection):
                step(pdf)
            _scrub_pdf(pdf)
            out = io.BytesIO()
            # A fresh file from the reachable objects only; plain streams and dictionaries compressed.
            pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                     linearize=False, deterministic_id=True)
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise unreadable from exc
    clean = out.getvalue()
    if _MARKUP.search(clean):
        try:
            clean = _hex_encode_marked_streams(clean)
        except Exception as exc:  # noqa: BLE001
            raise _unsafe() from exc
    if _MARKUP.search(clean):
        raise _unsafe()
    return clean


def _encrypted() -> ValidationError:
    return _refused(
        _("The PDF file is encrypted or password-protected. Please save an unprotected copy and attach that."),
        "pdf_encrypted",
    )


def _scrub_annotations(page) -> None:
    """Keep only the page's harmless annotations, each without an action that leaves the document."""
    annots = page.obj.get("/Annots")
    if not isinstance(annots, Array):
        return
    kept = pikepdf.Array()
    for annot in annots:
        if not isinstance(annot, Dictionary) or str(annot.get("/Subtype", "")) not in _PDF_KEPT_ANNOTS:
            continue
        action = annot.get("/A")
        if action is not None and (not isinstance(action, Dictionary) or action.get("/S") != Name.GoTo):
            del annot["/A"]
        if "/PA" in annot:
            del annot["/PA"]
        if annot.get("/Subtype") == Name.Link and "/A" not in annot and "/Dest" not in annot:
            continue  # a link that no longer goes anywhere (its outside target was removed)
        kept.append(annot)
    page.obj["/Annots"] = kept


def _scrub_object(obj) -> bool:
    """Strip what acts from one dictionary or stream; False when it was an emptied action (nothing to follow)."""
    for key in _PDF_DROPPED_KEYS:
        if key in obj:
            del obj[key]
    if isinstance(obj, Stream):
        for key in ("/F", "/FFilter", "/FDecodeParms"):  # stream data from an external file
            if key in obj:
                del obj[key]
        if "/Filter" not in obj:
            # Compressed here rather than by qpdf at write time, so that rewriting our own output gives
            # the same bytes (manage.py uploads_resanitise recognises clean files that way).
            obj.write(zlib.compress(obj.read_raw_bytes()), filter=Name.FlateDecode)
    kind, subtype = obj.get("/Type"), obj.get("/S")
    if isinstance(subtype, Name) and str(subtype) in _PDF_BAD_ACTIONS and kind in (None, Name.Action):
        for key in list(obj.keys()):
            del obj[key]  # an emptied action does nothing wherever it is still referenced
        return False
    if kind == Name.Filespec:
        for key in ("/EF", "/RF"):
            if key in obj:
                del obj[key]
    if "/Next" in obj and isinstance(subtype, Name):  # chained actions: only the first, checked, remains
        del obj["/Next"]
    return True


def _scrub_pdf(pdf) -> None:
    """Remove, from every object the document reaches, whatever acts (see the tables above)."""
    root = pdf.Root
    for key in list(root.keys()):
        if key not in _PDF_KEPT_ROOT:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in list(names.keys()):
            if key != "/Dests":
                del names[key]
    for key in ("/Info", "/Encrypt"):  # document info: authoring details nobody needs to download
        if key in pdf.trailer:
            del pdf.trailer[key]
    for page in pdf.pages:
        _scrub_annotations(page)
    # Every object reachable from the trailer, visited once, without recursion (nesting is attacker-chosen).
    seen, stack = set(), [pdf.trailer]
    while stack:
        obj = stack.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, Array):
            stack.extend(item for item in obj if isinstance(item, (Array, Dictionary, Stream)))
            continue
        if isinstance(obj, (Dictionary, Stream)) and _scrub_object(obj):
            stack.extend(value for value in obj.values() if isinstance(value, (Array, Dictionary, Stream)))


def _hex_encode_marked_streams(data: bytes) -> bytes:
    """Wrap in ASCIIHex every stream whose stored bytes spell markup (hex digits never do).

    Rare: only incompressible data (a JPEG inside the PDF, random bytes) keeps its bytes as they were.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, Stream) or not _MARKUP.search(obj.read_raw_bytes()):
                continue
            raw = obj.read_raw_bytes()
            filters = obj.get("/Filter")
            filters = list(filters) if isinstance(filters, Array) else ([filters] if filters is not None else [])
            parms = obj.get("/DecodeParms")
            parms = list(parms) if isinstance(parms, Array) else [parms] * len(filters)
            parms = [p if p is not None else pikepdf.Object.parse(b"null") for p in parms]
            obj.write(raw.hex().encode() + b">", filter=Array([Name.ASCIIHexDecode, *filters]),
                      decode_parms=Array([pikepdf.Object.parse(b"null"), *parms]) if filters else None,
                      type_check=False)
        out = io.BytesIO()
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()


# --- the one entry point ------------------------------------------------------------------------

def upload_sanitise(upload, *, allowed: dict[str, str] | None = None, max_bytes: int | None = None):
    """`upload` rebuilt as a safe file of its detected type, or a ValidationError with a translated message.

    `allowed` maps lower-case extensions to MIME types (default: ATTACHMENT_ALLOWED_TYPES); only JPEG,
    PNG and PDF can be allowed. The size is checked from the upload's declared size before any byte is
    read. Returns a new in-memory file named like the upload (its `content_type` is the detected type,
    its `size` that of the rebuilt bytes): store that, never `upload`.
    """
    allowed = settings.ATTACHMENT_ALLOWED_TYPES if allowed is None else allowed
    max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    name = Path(upload.name or "").name
    ext = Path(name).suffix.lower()
    expected = allowed.get(ext)
    if expected not in IMAGE_TYPES and expected != PDF_TYPE:
        names = ", ".join(sorted(e.lstrip(".").upper() for e in allowed))
        raise _refused(_("Only these file types can be attached: %(types)s.") % {"types": names}, "type")
    if upload.size is None or upload.size > max_bytes:
        raise _refused(_("The file is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}, "size")
    if upload.size == 0:
        raise _refused(_("The file is empty."), "empty")
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    if len(data) > max_bytes:  # the declared size lied
        raise _refused(_("The file is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}, "size")
    if magic.from_buffer(data[:65536], mime=True) != expected:
        raise _refused(_("The file's content does not match its type %(ext)s.") % {"ext": ext}, "mismatch")
    clean = _sanitise_pdf(data) if expected == PDF_TYPE else _sanitise_image(data, expected)
    return SimpleUploadedFile(name, clean, content_type=expected)


# --- files stored before upload_sanitise: the fields, and rewriting them (manage.py uploads_resanitise) ----

# (model, file field, allowed types or None for ATTACHMENT_ALLOWED_TYPES), filled by each app's ready():
# pbcity sits below the apps and cannot import their models.
UPLOAD_FIELDS: list[tuple[type, str, dict | None]] = []


def upload_field_register(*, model, field: str, allowed: dict[str, str] | None = None) -> None:
    """Declare a model's FileField that stores uploads, so that stored files can be sanitised again."""
    if (model, field, allowed) not in UPLOAD_FIELDS:
        UPLOAD_FIELDS.append((model, field, allowed))


def _jpeg_is_bare(data: bytes) -> bool:
    """True if a JPEG holds only what our encoder writes: JFIF, tables, frame, scan, and nothing after EOI."""
    pos = 2
    try:
        while data[pos + 1] != 0xDA:
            if data[pos] != 0xFF or data[pos + 1] not in (0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD):
                return False
            pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        return data.index(b"\xff\xd9", pos) == len(data) - 2
    except (IndexError, ValueError):
        return False


def stored_upload_resanitise(*, fieldfile, allowed: dict[str, str] | None = None, apply: bool = False) -> str:
    """Run one stored file through `upload_sanitise`; with `apply`, replace its bytes with the rebuilt ones.

    Returns what happened: "missing", "clean" (already as the sanitiser would store it), "rewritten"
    (or "would rewrite" without `apply`), or "refused: <message>" (left as it is, for staff to decide).
    The storage name stays, so every row and link keeps working; rows are not changed (some tables are
    append-only), so a `size` column keeps the uploaded size.
    """
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return "missing"
    name = Path(fieldfile.name).name
    try:
        clean = upload_sanitise(SimpleUploadedFile(name, data), allowed=allowed, max_bytes=max(len(data), 1))
    except ValidationError as exc:
        return "refused: " + " ".join(exc.messages)
    rebuilt = clean.read()
    # JPEG is lossy: re-encoding our own output again would only lose quality, so a bare JPEG counts as clean.
    if rebuilt == data or (clean.content_type == "image/jpeg" and _jpeg_is_bare(data)):
        return "clean"
    if not apply:
        return "would rewrite"
    fieldfile.storage.delete(fieldfile.name)
    saved = fieldfile.storage.save(fieldfile.name, io.BytesIO(rebuilt))
    if saved != fieldfile.name:  # another file took the name meanwhile: never point a row at the wrong bytes
        raise RuntimeError(f"{fieldfile.name} was stored as {saved}")
    return "rewritten"


def storage_name(filename: str) -> str:
    """An unguessable file name that keeps only the (lower-case) extension of `filename`."""
    return secrets.token_urlsafe(24) + Path(filename).suffix.lower()[:10]


# Types a browser may show inline; everything else is downloaded (Content-Disposition: attachment).
INLINE_TYPES = {"image/png", "image/jpeg"}


def file_response(fieldfile, *, filename: str, content_type: str):
    """Serve a stored private file after the caller has checked who may see it.

    With files in an S3 bucket (S3_BUCKET), a redirect to a short-lived presigned URL; with
    PRIVATE_FILES_X_ACCEL_PREFIX set (one node's disk behind nginx), nginx sends the bytes from an
    `internal` location; otherwise Django streams them. Either way: the stored type, nosniff,
    attachment unless an image, a sandboxing CSP and no shared caching. A missing file is Http404.
    """
    inline = content_type in INLINE_TYPES
    prefix = settings.PRIVATE_FILES_X_ACCEL_PREFIX
    if is_object_store(fieldfile.storage):
        # Several nodes share one bucket: no node holds the bytes for nginx to send. The browser gets a
        # presigned URL for this one object that expires in S3_SIGNED_URL_SECONDS (docs/decisions.md,
        # "Shared file storage and Add1 at scale"); the HEAD keeps a missing file a 404 here.
        if not fieldfile.storage.exists(fieldfile.name):
            raise Http404
        response = HttpResponseRedirect(signed_url(fieldfile, filename=filename, content_type=content_type,
                                                   inline=inline))
    elif prefix:
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
