"""The public exhibition: list, a proposal's page with comments, reports, moderation and the A3 poster."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity import search
from pbcity.errors import flash_errors, form_errors
from pbcity.models import District
from pbcity.selectors import cycle_current
from proposals.models import Proposal
from voting import permissions as perm
from voting import poster, selectors
from voting.forms.exhibition import CommentForm, ModerateForm, ReportForm
from voting.models import Comment
from voting.services import exhibition as services


def exhibition_list(request):
    district = None
    code = request.GET.get("district", "")
    if code:
        district = District.objects.filter(code=code).first()
    cycle = cycle_current()
    q = search.clean_query(request.GET.get("q"))
    proposals = selectors.exhibition_list(district=district, cycle=cycle, text=q)
    return render(request, "voting/exhibition_list.html", {
        "proposals": proposals, "districts": District.objects.all(), "district": district, "q": q,
        "cycle": cycle, "desk_links": _desk_links(request.user), "open_states": perm.EXHIBITION_STATES,
    })


def _desk_links(user) -> list[tuple[str, str]]:
    """The staff pages of this stage the user may open (district office, civil affairs)."""
    from django.urls import reverse

    from pbcity.permissions import acts_as
    from pbcity.roles import Role

    links = []
    if acts_as(user, Role.DISTRICT_OFFICE):
        links += [(reverse("voting:verification_queue"), _("Voters awaiting verification")),
                  (reverse("voting:moderation_queue"), _("Reported comments"))]
    if acts_as(user, Role.CIVIL_AFFAIRS):
        links.append((reverse("voting:register_import"), _("Household-register import")))
    return links


def _detail(pk):
    try:
        return selectors.exhibition_detail(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def exhibition_detail(request, pk, comment_form=None, status=200):
    ctx = _detail(pk)
    proposal = ctx["proposal"]
    ctx.update({
        "threads": selectors.comment_threads(proposal=proposal, viewer=request.user),
        "can_comment": perm.can_comment(proposal, request.user),
        "comments_open": proposal.state in perm.EXHIBITION_STATES,
        "can_moderate": perm.can_moderate_district(proposal.district, request.user),
        "comment_form": comment_form or CommentForm(),
        "report_form": ReportForm(), "moderate_form": ModerateForm(),
        "reply_to": (comment_form.data.get("parent") if comment_form is not None else None),
    })
    return render(request, "voting/exhibition_detail.html", ctx, status=status)


@require_POST
@login_required
def comment_post(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return exhibition_detail(request, pk, comment_form=form, status=400)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], proposal=proposal).first()
        if parent is None:
            form.add_error(None, _("The comment you replied to no longer exists."))
            return exhibition_detail(request, pk, comment_form=form, status=400)
    try:
        comment = services.comment_post(actor=request.user, proposal=proposal, body=form.cleaned_data["body"],
                                        body_format=form.cleaned_data["body_format"], parent=parent)
    except PermissionDenied as exc:
        form_errors(form, exc)
        return exhibition_detail(request, pk, comment_form=form, status=403)
    except ValidationError as exc:
        form_errors(form, exc)
        return exhibition_detail(request, pk, comment_form=form, status=400)
    messages.success(request, _("Your comment was posted."))
    return redirect(f"{proposal_url(proposal)}#comment-{comment.pk}")


def proposal_url(proposal) -> str:
    from django.urls import reverse

    return reverse("voting:exhibition_detail", args=[proposal.pk])


@require_POST
@login_required
def comment_report(request, comment_pk):
    comment = get_object_or_404(Comment.objects.select_related("proposal"), pk=comment_pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say what is wrong with the comment."))
    else:
        try:
            services.comment_report(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Thank you. The district office will review the comment."))
    return redirect(f"{proposal_url(comment.proposal)}#comment-{comment.pk}")


@require_POST
@login_required
def comment_moderate(request, comment_pk):
    comment = get_object_or_404(Comment.objects.select_related("proposal"), pk=comment_pk)
    if not perm.can_moderate_comment(comment, request.user):
        raise PermissionDenied
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose an action and give the reason."))
    else:
        try:
            services.comment_moderate(actor=request.user, comment=comment, action=form.cleaned_data["action"],
                                      reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Moderation recorded."))
    nxt = request.POST.get("next", "")
    if nxt == "queue":
        return redirect("voting:moderation_queue")
    return redirect(f"{proposal_url(comment.proposal)}#comment-{comment.pk}")


@login_required
def moderation_queue(request):
    from pbcity.permissions import acts_as
    from pbcity.roles import Role

    if not acts_as(request.user, Role.DISTRICT_OFFICE):
        raise PermissionDenied
    return render(request, "voting/moderation_queue.html", {
        "comments": selectors.moderation_queue(user=request.user), "moderate_form": ModerateForm()})


def exhibition_poster(request, pk):
    ctx = _detail(pk)
    pdf = poster.poster_pdf(ctx, url=f"{settings.SITE_URL}{proposal_url(ctx['proposal'])}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="exhibition-poster-{pk}.pdf"'
    return response
