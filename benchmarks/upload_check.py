"""How long does pbcity.uploads.upload_check take on the largest files a proposer may attach?

Prints the median of several runs for: a 10 MB PDF of 200 compressed streams (every stream inflated and
searched), a 10 MB PDF of one uncompressed stream, a 10 MB PNG, and a PDF refused for JavaScript.
    DJANGO_SETTINGS_MODULE=pbcity.settings.test .venv/bin/python benchmarks/upload_check.py
"""
import os
import statistics
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbcity.settings.test")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from pbcity.tests.upload_samples import _png_chunk, pdf_bytes, png_bytes  # noqa: E402
from pbcity.uploads import upload_check  # noqa: E402

MB = 1024 * 1024


def many_streams_pdf(total: int, streams: int) -> bytes:
    body = os.urandom(total // streams // 2).hex().encode()  # text-like, compresses about 2:1
    parts = [pdf_bytes()[:-6]]
    for i in range(streams):
        data = zlib.compress(body)
        parts.append(b"%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % (10 + i, len(data))
                     + data + b"\nendstream\nendobj\n")
    return b"".join(parts) + b"%%EOF\n"


def big_png(total: int) -> bytes:
    base = png_bytes()
    iend = base.rindex(b"IEND") - 4
    return base[:iend] + _png_chunk(b"tEXt", b"c\x00" + os.urandom(total)[: total - 100]) + base[iend:]


def timed(name, data, runs=5):
    times = []
    for _ in range(runs):
        up = SimpleUploadedFile(name, data)
        start = time.perf_counter()
        try:
            result = upload_check(up, max_bytes=11 * MB)
        except ValidationError as exc:
            result = f"refused ({exc.code})"
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


cases = [
    ("6 MB PDF, 200 Flate streams", "plan.pdf", many_streams_pdf(10 * MB, 200)),
    ("10 MB PDF, one plain stream", "plan.pdf", pdf_bytes(content=b"BT (x) Tj ET " * (10 * MB // 13))),
    ("10 MB PNG", "site.png", big_png(10 * MB)),
    ("PDF with /JavaScript", "plan.pdf", pdf_bytes(extra_catalog=b"/OpenAction << /S /JavaScript /JS (x) >>")),
]
print(f"{'case':34} {'size':>9} {'median ms':>10}  result")
for label, name, data in cases:
    ms, result = timed(name, data)
    print(f"{label:34} {len(data) / MB:7.1f}MB {ms:10.2f}  {result}")
