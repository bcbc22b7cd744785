"""Exhibition comments: who may comment, report and moderate; sanitising; threads; the moderation record (V1)."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from pbcity.audit.registry import audit_spec
from pbcity.models import AuditEntry
from pbcity.tests.factories import UserFactory
from proposals.states import State
from voting import selectors
from voting.models import Comment, CommentModeration, CommentReport
from voting.services import exhibition as services

from .v1_fixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db


def post(proposal, user=None, body="很好的提案", **kw):
    return services.comment_post(actor=user or UserFactory(), proposal=proposal, body=body, **kw)


@pytest.mark.parametrize("who, allowed", [
    ("anonymous", False), ("resident", True), ("proposer", True), ("district", True), ("civil", True),
])
def test_comment_matrix(exhibited, cast, who, allowed):
    actor = cast[who] or AnonymousUser()
    if allowed:
        assert post(exhibited, actor).pk
    else:
        with pytest.raises(PermissionDenied):
            post(exhibited, actor)


@pytest.mark.parametrize("state, open_", [
    (State.REVIEW_PASSED, True), (State.ON_EXHIBITION, True), (State.IN_WORKSHOP, False), (State.IN_VOTE, False),
])
def test_comments_are_open_only_on_exhibition(cast, cycle, state, open_):
    proposal = cast.walk(cycle, state)
    if open_:
        assert post(proposal)
    else:
        with pytest.raises(PermissionDenied):
            post(proposal)


def test_plain_text_is_escaped_and_rich_text_sanitised(exhibited):
    plain = post(exhibited, body="<b>粗體</b>\n\n第二段")
    assert plain.body_html == "<p>&lt;b&gt;粗體&lt;/b&gt;</p>\n\n<p>第二段</p>"
    rich = post(exhibited, body_format="rich",
                body='<p onclick="x()">好<script>alert(1)</script><a href="javascript:alert(1)">連結</a>'
                     '<a href="https://example.tw">站</a><img src=x onerror=alert(1)></p>')
    assert "script" not in rich.body_html and "onclick" not in rich.body_html and "javascript" not in rich.body_html
    assert "<img" not in rich.body_html and 'href="https://example.tw"' in rich.body_html
    assert 'rel="nofollow noopener ugc"' in rich.body_html
    assert rich.body.startswith('<p onclick')  # what was typed stays on record


@pytest.mark.parametrize("body", ["", "   ", "<script></script>", "x" * 5001])
def test_empty_or_too_long_comments_are_refused(exhibited, body):
    with pytest.raises(ValidationError):
        post(exhibited, body=body, body_format="rich")


def test_replies_form_one_level_threads(exhibited, cast, cycle):
    top = post(exhibited)
    reply = post(exhibited, parent=top)
    reply_to_reply = post(exhibited, parent=reply)
    assert reply_to_reply.parent == top
    threads = selectors.comment_threads(proposal=exhibited, viewer=AnonymousUser())
    assert len(threads) == 1 and [c.pk for c in threads[0]["replies"]] == [reply.pk, reply_to_reply.pk]
    elsewhere = cast.walk(cycle, State.ON_EXHIBITION)
    with pytest.raises(ValidationError):
        post(elsewhere, parent=top)


def test_report_once_and_never_ones_own(exhibited):
    author, reader = UserFactory(), UserFactory()
    comment = post(exhibited, author)
    with pytest.raises(PermissionDenied):
        services.comment_report(actor=author, comment=comment, reason="自己")
    report = services.comment_report(actor=reader, comment=comment, reason="人身攻擊")
    # Every write is audited: the report enters the hash chain, the comment's first version its history.
    assert audit_spec(CommentReport) is not None and AuditEntry.objects.filter(
        table=CommentReport._meta.label_lower, row_pk=str(report.pk)).exists()
    assert [(h.history_type, h.history_user) for h in comment.history.all()] == [("+", author)]
    with pytest.raises(ValidationError, match="already reported"):
        services.comment_report(actor=reader, comment=comment, reason="again")
    with pytest.raises(PermissionDenied):
        services.comment_report(actor=AnonymousUser(), comment=comment, reason="x")


@pytest.mark.parametrize("who, allowed", [
    ("district", True), ("district_other", False), ("district_no_mfa", False), ("civil", False),
    ("committee", False), ("councillor", False), ("lead", False), ("resident", False), ("proposer", False),
])
def test_moderation_matrix(exhibited, cast, who, allowed):
    comment = post(exhibited)
    if allowed:
        services.comment_moderate(actor=cast[who], comment=comment, action="hide", reason="人身攻擊")
        comment.refresh_from_db()
        assert comment.hidden
    else:
        with pytest.raises(PermissionDenied):
            services.comment_moderate(actor=cast[who], comment=comment, action="hide", reason="x")
        comment.refresh_from_db()
        assert not comment.hidden


def test_moderation_keeps_who_when_why_and_the_old_state(exhibited, cast):
    comment = post(exhibited)
    staff = cast["district"]
    with pytest.raises(ValidationError):
        services.comment_moderate(actor=staff, comment=comment, action="hide", reason=" ")
    services.comment_moderate(actor=staff, comment=comment, action="hide", reason="人身攻擊")
    services.comment_moderate(actor=staff, comment=comment, action="restore", reason="誤判")
    records = list(CommentModeration.objects.filter(comment=comment))
    assert [(r.action, r.was_hidden, r.actor, r.reason) for r in records] == [
        ("hide", False, staff, "人身攻擊"), ("restore", True, staff, "誤判")]
    comment.refresh_from_db()
    assert not comment.hidden
    # The comment's own versions: posted, hidden, restored, each by whom and why.
    versions = [(h.hidden, h.history_user, h.history_change_reason) for h in comment.history.order_by("history_id")]
    assert versions == [(False, comment.author, None), (True, staff, "人身攻擊"), (False, staff, "誤判")]


def test_hidden_comment_shows_the_reason_and_its_text_only_to_the_district_office(exhibited, cast):
    comment = post(exhibited, body="不當內容")
    services.comment_moderate(actor=cast["district"], comment=comment, action="hide", reason="人身攻擊")
    public = selectors.comment_threads(proposal=exhibited, viewer=cast["resident"])[0]["comment"]
    assert public.hidden and not public.show_text and public.moderation_reason == "人身攻擊"
    office = selectors.comment_threads(proposal=exhibited, viewer=cast["district"])[0]["comment"]
    assert office.show_text


def test_moderation_queue_lists_reported_comments_of_the_staff_district(exhibited, cast):
    comment = post(exhibited)
    services.comment_report(actor=cast["resident"], comment=comment, reason="廣告")
    assert [c.pk for c in selectors.moderation_queue(user=cast["district"])] == [comment.pk]
    assert selectors.moderation_queue(user=cast["district"])[0].is_open
    assert selectors.moderation_queue(user=cast["district_other"]) == []
    assert selectors.moderation_queue(user=cast["district_no_mfa"]) == []
    services.comment_moderate(actor=cast["district"], comment=comment, action="keep", reason="未違規")
    assert not selectors.moderation_queue(user=cast["district"])[0].is_open


def test_moderation_record_is_append_only_in_postgresql(exhibited, cast):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    comment = post(exhibited)
    services.comment_moderate(actor=cast["district"], comment=comment, action="hide", reason="人身攻擊")
    for sql in ("UPDATE voting_commentmoderation SET reason = 'x'", "DELETE FROM voting_commentmoderation",
                "TRUNCATE voting_commentmoderation CASCADE"):
        with pytest.raises(Exception, match="append-only|permission denied"), transaction.atomic(), \
                connection.cursor() as c:
            c.execute(sql)
    assert CommentModeration.objects.count() == 1
    assert Comment.objects.get(pk=comment.pk).hidden



def test_the_exhibition_page_stays_readable_during_and_after_the_vote(client, exhibited, cast):
    """What is on the ballot links to its exhibition page: it must not 404 once the vote opens."""
    cast.step(exhibited, "open_vote")
    page = client.get(f"/voting/exhibition/{exhibited.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Comments closed when the vote opened." in page.content.decode()
    listing = client.get("/voting/exhibition/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert exhibited.title in listing and "Now:" in listing
    never = cast.walk(exhibited.cycle, "in_workshop")
    assert client.get(f"/voting/exhibition/{never.pk}/").status_code == 404
