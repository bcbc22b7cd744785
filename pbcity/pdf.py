"""HTML → PDF for the printable pages (results sheets, panel reports), one way: WeasyPrint with the
project directory as base URL, so a template can reach nothing over the network.

Batches of PDFs (the quarterly reports, docs/decisions.md "Quarterly reports at speed") reuse per thread
one WeasyPrint font configuration, and may ask for `cjk_subset`: a copy of Noto Sans CJK TC cut once to the
frequent Big5 characters, Latin and punctuation (`REPORT_CJK_FAMILY`), built into PDF_FONT_CACHE_DIR on
first use or by `manage.py pdf_fonts`. WeasyPrint then subsets and shapes a 6,500-glyph font per document
instead of the 65,535-glyph system face. A template lists the system family after it, so a character
outside the cut falls back to the full font: a report never loses text, it only costs more.
"""
import atexit
import fcntl
import hashlib
import logging
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger("pbcity.pdf")

SOURCE_CJK_FAMILY = "Noto Sans CJK TC"
REPORT_CJK_FAMILY = "Noto Sans CJK TC Subset"
# Bump when the cut below changes: the cached file's name holds it.
_SUBSET_VERSION = "1"
# Horizontal text only; no `locl` (the TC face's own forms are the zh-Hant ones) and no vertical forms,
# which would pull in thousands of alternate glyphs.
_LAYOUT_FEATURES = ["ccmp", "kern", "liga", "clig", "calt", "mark", "mkmk", "rlig", "rclt"]
# Besides Big5: Latin, general punctuation, currency, letter-like symbols (℃), arrows and maths, circled
# numbers, CJK punctuation, Bopomofo, full-width forms.
_EXTRA_RANGES = [(0x20, 0x7F), (0xA0, 0x180), (0x2000, 0x2070), (0x20A0, 0x20C0), (0x2100, 0x2200),
                 (0x2460, 0x2500), (0x3000, 0x3040), (0x3100, 0x3130), (0xFF00, 0xFFF0)]


@lru_cache(maxsize=1)
def report_charset() -> frozenset:
    """Big5's symbols and its 5,401 frequent characters (level 1, 常用字: lead bytes A1–C6, as Windows code
    page 950 maps them) and the ranges above.

    Not level 2 (7,652 rarer characters): WeasyPrint embeds a subset that keeps glyph numbers, so what a
    PDF carries and what subsetting costs grow with the cut font's glyph count (6,500 glyphs: 49 KiB reports;
    with level 2, 14,300 glyphs: 78 KiB). A report with a rarer character draws it from the full font."""
    chars = set()
    for lead in range(0xA1, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                chars.add(bytes((lead, trail)).decode("cp950"))
            except UnicodeDecodeError:
                continue
    chars.update(chr(c) for a, b in _EXTRA_RANGES for c in range(a, b))
    return frozenset(c for c in chars if not 0xE000 <= ord(c) <= 0xF8FF)  # no private-use code points


@lru_cache(maxsize=1)
def _source_font() -> tuple[str, int] | None:
    """(file, face index) of the system's Noto Sans CJK TC as Fontconfig finds it; None without it."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
        fontconfig.FcPatternAddString(pattern, b"family", SOURCE_CJK_FAMILY.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(config, pattern, ffi.new("FcResult *"))
        if match == ffi.NULL:
            return None
        string = ffi.new("FcChar8 **")
        fontconfig.FcPatternGetString(match, b"file", 0, string)
        path = ffi.string(string[0]).decode()
        fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcConfigDestroy(config)
    try:  # Fontconfig answers with some font whatever is installed: check it is the one asked for
        faces = TTCollection(path, lazy=True).fonts if path.lower().endswith((".ttc", ".otc")) else [
            TTFont(path, lazy=True)]
    except (OSError, TTLibError):
        return None
    for index, face in enumerate(faces):
        if face["name"].getDebugName(1) == SOURCE_CJK_FAMILY:
            return path, index
    return None


def _subset_key(path: str, index: int) -> str:
    import fontTools

    st = os.stat(path)
    parts = [_SUBSET_VERSION, path, str(index), str(st.st_size), str(st.st_mtime_ns), fontTools.version,
             ",".join(_LAYOUT_FEATURES), "".join(sorted(report_charset()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def cjk_subset_path(*, build: bool = True) -> Path | None:
    """The cut CJK font, built now if missing and `build`; None if there is no source font or it cannot be built.

    Built once per deployment (≈ 30 s of CPU): processes that need it at the same time wait on a lock
    for the first one's file instead of each building it.
    """
    source = _source_font()
    if source is None:
        return None
    folder = Path(settings.PDF_FONT_CACHE_DIR)
    target = folder / f"NotoSansCJKtc-subset-{_subset_key(*source)}.otf"
    if target.exists() or not build:
        return target if target.exists() else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                _subset_build(*source, target)
    except Exception:  # noqa: BLE001 - the full system font still draws every report, only slower
        log.exception("Could not build the CJK font subset in %s; PDFs use the full font", folder)
        return None
    return target


def _subset_build(path: str, index: int, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index)
    # Variation sequences (cmap format 14) would keep every ideographic variant of every kept character.
    font["cmap"].tables = [t for t in font["cmap"].tables if t.format != 14]
    options = subset.Options()
    options.layout_features = _LAYOUT_FEATURES
    options.name_IDs, options.name_languages = ["*"], ["*"]
    options.notdef_outline = True
    options.drop_tables += ["vhea", "vmtx", "VORG"]  # horizontal text only
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in report_charset()])
    subsetter.subset(font)
    # Its own family name, so that a template asking for the system family never gets the cut one.
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            names.setName(REPORT_CJK_FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 4):
            names.setName(f"{REPORT_CJK_FAMILY} Regular", record.nameID, record.platformID, record.platEncID,
                          record.langID)
        elif record.nameID == 6:
            names.setName("NotoSansCJKtcSubset-Regular", 6, record.platformID, record.platEncID, record.langID)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from the other services' users
        os.replace(tmp, target)  # whole or absent: a reader never sees half a font
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


_local = threading.local()


def _font_state(cjk_subset: bool):
    """This thread's WeasyPrint font configuration and the stylesheets to pass with it.

    One per thread (Pango's font map is not thread-safe; a Celery process runs one task at a time): loading
    the system font configuration and the fonts again for every document cost more than laying one out.
    The cut font is declared in a configuration of its own, so a PDF made without it never finds it.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    path = cjk_subset_path() if cjk_subset else None
    states = getattr(_local, "fonts", None)
    if states is None:
        states = _local.fonts = {}
        # Let them go (and remove their temporary font folders) before the interpreter tears down the
        # modules their __del__ needs.
        atexit.register(vars(_local).pop, "fonts", None)
    if path not in states:
        config = FontConfiguration()
        sheets = [] if path is None else [CSS(
            string=f'@font-face {{ font-family: "{REPORT_CJK_FAMILY}"; src: url("{path.as_uri()}"); }}',
            font_config=config)]
        states[path] = (config, sheets)
    return states[path]


def pdf_render(html: str, *, cjk_subset: bool = False) -> bytes:
    """`html` as PDF; with `cjk_subset`, the family REPORT_CJK_FAMILY is the cut CJK font (see above)."""
    from PIL import ImageFile
    from weasyprint import HTML  # imported late: loading Pango is slow and only PDFs need it

    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES: from then on the upload sanitiser
    # of this process would store a truncated image, padded, instead of refusing it. Our PDFs embed only
    # sanitised (complete) or generated images, so the strict default is put back.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    font_config, stylesheets = _font_state(cjk_subset)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets,
                                                                        font_config=font_config)


def pdf_response(request, template: str, context: dict, *, filename: str) -> HttpResponse:
    """The template rendered as an inline PDF named `filename`."""
    resp = HttpResponse(pdf_render(render_to_string(template, context, request=request)),
                        content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp
