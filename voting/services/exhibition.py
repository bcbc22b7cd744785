"""Comments on the exhibition, abuse reports and moderation (docs/decisions.md, "Voting: exhibition")."""
import html

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from pbcity.validators import validate_multi_line
from voting import permissions as perm
from voting.models import Comment, CommentModeration, CommentReport

COMMENT_MAX_CHARS = 5000
# Formatted comments keep only these tags; links open nothing and get rel="nofollow noopener ugc".
RICH_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a"}
RICH_ATTRIBUTES = {"a": {"href"}}
RICH_SCHEMES = {"http", "https", "mailto"}


def comment_render(*, body: str, body_format: str) -> str:
    """The HTML a comment shows: plain text escaped with its line breaks, formatted text sanitised by nh3."""
    if body_format == Comment.Format.RICH:
        return nh3.clean(body, tags=RICH_TAGS, attributes=RICH_ATTRIBUTES, url_schemes=RICH_SCHEMES,
                         link_rel="nofollow noopener ugc")
    return linebreaks(html.escape(body))


def comment_post(*, actor, proposal, body: str, body_format: str = Comment.Format.PLAIN, parent=None) -> Comment:
    """A resident comments on an exhibited proposal, or replies within a comment's thread."""
    if not perm.can_comment(proposal, actor):
        raise PermissionDenied(_("Comments are open only while the proposal is on exhibition, to signed-in residents."))
    body = (body or "").strip()
    if body_format not in Comment.Format.values:
        raise ValidationError(_("Unknown comment format."), code="format")
    if not body:
        raise ValidationError(_("Please write a comment."), code="empty")
    validate_multi_line(body)
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError(_("A comment may have at most %(n)d characters.") % {"n": COMMENT_MAX_CHARS},
                              code="long")
    rendered = comment_render(body=body, body_format=body_format)
    if not nh3.clean(rendered, tags=set()).strip():
        raise ValidationError(_("Please write a comment."), code="empty")
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ValidationError(_("You can only reply to a comment on the same proposal."), code="parent")
        # Threads are one level deep: a reply to a reply joins its thread (docs/decisions.md).
        parent = parent.parent or parent
    with transaction.atomic():
        comment = Comment(proposal=proposal, author=actor, parent=parent, body=body, body_format=body_format,
                          body_html=rendered)
        comment._history_user = actor
        comment.save()
        return comment


def comment_report(*, actor, comment: Comment, reason: str) -> CommentReport:
    """A resident reports a comment as abusive; a second report by the same person is refused."""
    if not perm.can_report_comment(comment, actor):
        raise PermissionDenied(_("You cannot report this comment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please say what is wrong with the comment."), code="reason")
    validate_multi_line(reason)
    try:
        with transaction.atomic():
            return CommentReport.objects.create(comment=comment, reporter=actor, reason=reason[:300])
    except IntegrityError as exc:
        raise ValidationError(_("You have already reported this comment."), code="duplicate") from exc


def comment_moderate(*, actor, comment: Comment, action: str, reason: str) -> CommentModeration:
    """District-office staff hide, restore or keep a comment; the record keeps who, when, why and the old state."""
    reason = (reason or "").strip()
    if action not in CommentModeration.Action.values:
        raise ValidationError(_("Unknown moderation action."), code="action")
    validate_multi_line(reason)
    if not reason:
        raise ValidationError(_("Please give the reason for the moderation."), code="reason")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
        if not perm.can_moderate_comment(comment, actor):
            raise PermissionDenied(_("Only district-office staff of the proposal's district may moderate comments."))
        record = CommentModeration.objects.create(comment=comment, actor=actor, action=action, reason=reason[:500],
                                                  was_hidden=comment.hidden)
        hidden = {CommentModeration.Action.HIDE: True, CommentModeration.Action.RESTORE: False}.get(action,
                                                                                                   comment.hidden)
        if hidden != comment.hidden:
            comment.hidden = hidden
            comment._history_user, comment._change_reason = actor, reason[:100]
            comment.save(update_fields=["hidden"])
    return record
