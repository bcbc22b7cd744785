"""Card and attendance certificate as PDF (WeasyPrint, zh-Hant with an embedded Noto Sans CJK TC)."""
import base64
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pbcity.pdf import pdf_render


def qr_data_uri(text: str) -> str:
    img = qrcode.make(text, box_size=6, border=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def verify_link(card) -> str:
    return f"{settings.SITE_URL}{card.get_verify_url()}"


def _render(template: str, context: dict) -> bytes:
    with translation.override("zh-hant"):  # the documents are in Traditional Chinese
        html = render_to_string(template, {**context, "generated_at": timezone.localtime()})
    return pdf_render(html)


def card_pdf(card) -> bytes:
    return _render("training/pdf/card.html", {"card": card, "qr": qr_data_uri(verify_link(card)),
                                              "verify_link": verify_link(card)})


def certificate_pdf(*, user, attendances, hours, cards) -> bytes:
    return _render("training/pdf/certificate.html",
                   {"person": user, "attendances": attendances, "hours": hours, "cards": cards})
