"""The A3 exhibition poster of a proposal (WeasyPrint, embedded Noto Sans CJK TC, QR to its page), in the
language of the page it was downloaded from."""
import base64
import io

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.utils import timezone

from pbcity.pdf import pdf_render


def qr_svg_data_uri(text: str) -> str:
    """A vector QR code, sharp at any print size."""
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _photo_data_uri(attachment) -> str | None:
    """The photo's bytes inline: files may live in an S3 bucket, where there is no local path to point at."""
    try:
        with attachment.file.open("rb") as fh:
            return f"data:{attachment.content_type};base64," + base64.b64encode(fh.read()).decode()
    except FileNotFoundError:
        return None


def poster_pdf(ctx: dict, *, url: str) -> bytes:
    # In the active language (the reader's, set by the request): a clerk printing for the physical exhibition
    # downloads it from the Chinese page, an English reader gets it in English.
    photos = ctx.get("photos") or []
    html = render_to_string("voting/pdf/poster.html", {
        **ctx, "qr": qr_svg_data_uri(url), "url": url, "generated_at": timezone.localtime(),
        "photo_uri": _photo_data_uri(photos[0]) if photos else None})
    return pdf_render(html)
