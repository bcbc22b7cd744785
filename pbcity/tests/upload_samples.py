"""Small, valid files (and hostile variants) built in memory for upload tests."""
import io
import struct
import zlib


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes() -> bytes:
    """A valid 1×1 grey PNG."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
            + _png_chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    """A valid 2×2 JPEG (Pillow is installed with WeasyPrint)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes(extra_catalog: bytes = b"", content: bytes = b"BT /F1 12 Tf 72 720 Td (Plan) Tj ET",
              compress: bool = False, stream_dict: bytes = b"") -> bytes:
    """A one-page PDF; `extra_catalog` adds entries to the catalogue (e.g. an /OpenAction)."""
    stream = zlib.compress(content) if compress else content
    filt = b" /Filter /FlateDecode" if compress else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d%s%s >>\nstream\n" % (len(stream), filt, stream_dict) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def pdf_with_js_in_object_stream(compress: bool = True) -> bytes:
    """A JavaScript action hidden in an object stream, its names hex-escaped."""
    return pdf_bytes(content=b"5 0 << /S /J#61vaScript /J#53 (app.alert(1)) >>", compress=compress,
                     stream_dict=b" /Type /Obj#53tm /N 1 /First 4")
