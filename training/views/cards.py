from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import form_errors

from .. import pdf, selectors, services
from .. import permissions as perm
from ..forms import RevokeForm, VerifyForm
from ..models import CitizenCard


def _card_for(request, number) -> CitizenCard:
    card = get_object_or_404(CitizenCard.objects.select_related("holder", "revoked_by"), number=number)
    if not perm.can_view_card(card, request.user):
        raise Http404
    return card


@login_required
def card_detail(request, number, revoke_form=None, status=200):
    card = _card_for(request, number)
    return render(request, "training/card.html", {
        "card": card, "qr": pdf.qr_data_uri(pdf.verify_link(card)), "verify_link": pdf.verify_link(card),
        "can_revoke": perm.can_revoke_card(request.user) and card.revoked_kind != CitizenCard.RevokedKind.STAFF,
        "revoke_form": revoke_form or RevokeForm(),
    }, status=status)


@login_required
def card_pdf(request, number):
    card = _card_for(request, number)
    response = HttpResponse(pdf.card_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="citizen-card-{card.number}.pdf"'
    return response


@login_required
def certificate_pdf(request):
    user = request.user
    body = pdf.certificate_pdf(
        user=user, attendances=selectors.attendance_of(user=user).filter(hours__gt=0),
        hours=selectors.qualifying_hours(user=user),
        cards=selectors.cards_of(user=user).filter(revoked_at__isnull=True),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="attendance-certificate.pdf"'
    return response


@login_required
@require_POST
def card_revoke(request, number):
    card = _card_for(request, number)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.card_revoke(actor=request.user, card=card, reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form_errors(form, exc)
    if form.errors:
        return card_detail(request, number, revoke_form=form, status=400)
    messages.success(request, _("The card has been revoked."))
    return redirect(card.get_absolute_url())


def verify_lookup(request):
    """Type in a code (for cards shown on paper without a camera)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        card = selectors.card_by_code(code=form.cleaned_data["code"])
        if card is not None:
            return redirect(card.get_verify_url())
        form.add_error("code", _("No card has this verification code. Check the letters and try again."))
    return render(request, "training/verify.html", {"form": form, "card": None},
                  status=400 if form.errors else 200)


def verify(request, code):
    """Public: holder's name, level and validity only."""
    card = selectors.card_by_code(code=code)
    if card is None:
        form = VerifyForm(initial={"code": code})
        return render(request, "training/verify.html", {"form": form, "card": None, "not_found": True}, status=404)
    return render(request, "training/verify.html", {"form": VerifyForm(), "card": card})
