"""How long does pbcity.uploads.upload_sanitise take on the largest files a person may upload?

Prints the median of a few runs (time and the rebuilt size) for: a 12-megapixel phone photo (JPEG with
EXIF), a PNG near the 10 MB limit, a 6 MB PDF of 200 compressed streams, a 10 MB PDF of one plain stream
and a PDF with JavaScript (rewritten without it).
    DJANGO_SETTINGS_MODULE=pbcity.settings.test .venv/bin/python benchmarks/upload_sanitise.py
"""
import io
import os
import statistics
import time
import zlib

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pbcity.tests.upload_samples import pdf_bytes
from pbcity.uploads import upload_sanitise

MB = 1024 * 1024


def many_streams_pdf(total: int, streams: int) -> bytes:
    body = os.urandom(total // streams // 2).hex().encode()  # text-like, compresses about 2:1
    parts = [pdf_bytes()[:-6]]
    for i in range(streams):
        data = zlib.compress(body)
        parts.append(b"%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % (10 + i, len(data))
                     + data + b"\nendstream\nendobj\n")
    return b"".join(parts) + b"%%EOF\n"


def phone_photo() -> bytes:
    """4000 × 3000 with smooth content and some noise (a photo compresses to a few MB), EXIF with GPS."""
    small = Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3))
    im = small.resize((4000, 3000), Image.BILINEAR)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (25.0, 2.0, 14.0), 3: "E", 4: (121.0, 33.0, 53.0)})
    out = io.BytesIO()
    im.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def big_png() -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (1800, 1800), os.urandom(1800 * 1800 * 3)).save(out, "PNG")
    return out.getvalue()


def timed(name, data, runs=3):
    times = []
    for _ in range(runs):
        up = SimpleUploadedFile(name, data)
        start = time.perf_counter()
        try:
            result = f"{upload_sanitise(up, max_bytes=11 * MB).size / MB:.1f} MB stored"
        except ValidationError as exc:
            result = f"refused ({exc.code})"
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


cases = [
    ("12 MP phone photo (JPEG, EXIF)", "photo.jpg", phone_photo()),
    ("PNG near the limit", "site.png", big_png()),
    ("6 MB PDF, 200 Flate streams", "plan.pdf", many_streams_pdf(10 * MB, 200)),
    ("10 MB PDF, one plain stream", "plan.pdf", pdf_bytes(content=b"BT (x) Tj ET " * (10 * MB // 13))),
    ("PDF with /JavaScript", "plan.pdf", pdf_bytes(extra_catalog=b"/OpenAction << /S /JavaScript /JS (x) >>")),
]
print(f"{'case':34} {'size':>9} {'median ms':>10}  result")
for label, name, data in cases:
    ms, result = timed(name, data)
    print(f"{label:34} {len(data) / MB:7.1f}MB {ms:10.2f}  {result}")
