"""Reads for the exhibition: the proposals shown, everything the public sees about one, and its comments."""
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q

from pbcity.permissions import acts_as, role_assignments
from pbcity.roles import Role
from pbcity.uploads import IMAGE_TYPES
from proposals.models import Attachment, Proposal, TransitionLog
from proposals.selectors import panel_review, proposal_search
from voting import permissions as perm
from voting.models import Comment, CommentModeration, CommentReport


def exhibited():
    """Proposals that were exhibited: on exhibition now, or since gone on to the vote and after. Voters read
    the exhibition page of what is on their ballot (the same rule as `permissions.can_view_exhibition`)."""
    ever = TransitionLog.objects.filter(proposal=OuterRef("pk"), to_state__in=perm.EXHIBITION_STATES)
    return Proposal.objects.filter(Q(state__in=perm.EXHIBITION_STATES) | Exists(ever))


def exhibition_list(*, cycle=None, district=None, text: str = ""):
    """Proposals exhibited (see `exhibited`), by district then title; those holding `text` if given."""
    qs = (exhibited()
          .select_related("cycle", "district", "lead_agency")
          .annotate(n_comments=Count("exhibition_comments", filter=Q(exhibition_comments__hidden=False)))
          .order_by("district_id", "title", "id"))
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if district is not None:
        qs = qs.filter(district=district)
    return proposal_search(qs, text=text)


def exhibition_detail(*, pk: int) -> dict:
    """One exhibited proposal with its final plan, agencies' opinions, panel lights, files and history.

    Raises Proposal.DoesNotExist when the proposal was never exhibited.
    """
    proposal = (exhibited()
                .select_related("cycle", "district", "lead_agency")
                .prefetch_related("co_agencies", "proposers",
                                  Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
                                  Prefetch("transitions", queryset=TransitionLog.objects.order_by("created_at", "id")))
                .get(pk=pk))
    files = list(proposal.attachments.all())
    revision = proposal.revisions.order_by("-number").first() if hasattr(proposal, "revisions") else None
    return {
        "proposal": proposal,
        "revision": revision,
        "opinions": _latest_opinions(proposal),
        "verdict": _panel_verdict(proposal),
        "photos": [f for f in files if f.content_type in IMAGE_TYPES],
        "documents": [f for f in files if f.content_type not in IMAGE_TYPES],
        "history": list(proposal.transitions.all()),
    }


def _latest_opinions(proposal) -> list:
    """Each designated agency's latest stage-1 opinion (a later opinion supersedes, docs/decisions.md)."""
    latest = {}
    for op in proposal.agency_opinions.select_related("agency").order_by("recorded_at", "id"):
        latest[op.agency_id] = op
    return list(latest.values())


def _panel_verdict(proposal):
    """The review panel's decision and lights, read from the records the history shows (or None)."""
    return panel_review(proposal=proposal)


def comment_threads(*, proposal, viewer) -> list[dict]:
    """Top-level comments, oldest first, each with its replies; hidden ones carry the moderation reason.

    The district office of the proposal's district also sees a hidden comment's text, to restore it.
    """
    may_moderate = perm.can_moderate_district(proposal.district, viewer)
    reported_by_viewer = (CommentReport.objects.filter(comment=OuterRef("pk"), reporter_id=viewer.pk)
                          if getattr(viewer, "is_authenticated", False) else None)
    qs = (Comment.objects.filter(proposal=proposal).select_related("author")
          .annotate(n_reports=Count("reports"))
          .order_by("created_at", "id"))
    if reported_by_viewer is not None:
        qs = qs.annotate(reported_by_me=Exists(reported_by_viewer))
    comments = list(qs)
    reasons = dict(CommentModeration.objects.filter(comment__in=[c.pk for c in comments if c.hidden])
                   .order_by("comment_id", "created_at", "id").values_list("comment_id", "reason"))
    threads, by_id = [], {}
    for c in comments:
        c.moderation_reason = reasons.get(c.pk, "")
        c.show_text = not c.hidden or may_moderate
        c.may_report = perm.can_report_comment(c, viewer) and not getattr(c, "reported_by_me", False)
        if c.parent_id is None:
            by_id[c.pk] = {"comment": c, "replies": []}
            threads.append(by_id[c.pk])
        elif c.parent_id in by_id:
            by_id[c.parent_id]["replies"].append(c)
    return threads


def moderation_queue(*, user) -> list:
    """Reported comments where the user acts as district-office staff; those reported since the last
    moderation (still open) first, then by number of reports."""
    district_ids = [ra.district_id for ra in role_assignments(user) if ra.role == Role.DISTRICT_OFFICE
                    and acts_as(user, Role.DISTRICT_OFFICE, district_id=ra.district_id)]
    if not district_ids:
        return []
    comments = list(Comment.objects.filter(proposal__district_id__in=district_ids)
                    .annotate(n_reports=Count("reports"), last_report=Max("reports__created_at"),
                              last_moderation=Max("moderations__created_at"))
                    .filter(n_reports__gt=0)
                    .select_related("proposal", "proposal__district", "author")
                    .prefetch_related("reports", "moderations__actor"))
    for c in comments:
        c.is_open = c.last_moderation is None or c.last_moderation < c.last_report
    comments.sort(key=lambda c: (not c.is_open, -c.n_reports, c.created_at))
    return comments
