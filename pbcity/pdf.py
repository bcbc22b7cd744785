"""HTML → PDF for the printable pages (results sheets, panel reports), one way: WeasyPrint with the
project directory as base URL, so a template can reach nothing over the network."""
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def pdf_render(html: str) -> bytes:
    from PIL import ImageFile
    from weasyprint import HTML  # imported late: loading Pango is slow and only PDFs need it

    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES: from then on the upload sanitiser
    # of this process would store a truncated image, padded, instead of refusing it. Our PDFs embed only
    # sanitised (complete) or generated images, so the strict default is put back.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(request, template: str, context: dict, *, filename: str) -> HttpResponse:
    """The template rendered as an inline PDF named `filename`."""
    resp = HttpResponse(pdf_render(render_to_string(template, context, request=request)),
                        content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp
