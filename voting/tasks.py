"""Background work of the voting stage. Every task is safe to run twice."""
from celery import shared_task
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pbcity.services import notification_deliver
from pbcity.tasks import RETRY_POLICY

# --- Voters (V1) -------------------------------------------------------------------------------

@shared_task(bind=True, **RETRY_POLICY)
def voter_notify(self, *, voter_id: int, status: str, decision_id: int | None = None) -> None:
    """Tell a voter where their registration stands. The message never carries the ID number."""
    from voting.models import Voter, VoterDecision

    voter = Voter.objects.select_related("user", "cycle").get(pk=voter_id)
    # The decision row says why at that moment; the voter may have moved on since.
    reason = VoterDecision.objects.get(pk=decision_id).reason if decision_id else voter.decision_reason
    user = voter.user
    with translation.override(user.language or "zh-hant"):
        subject = {
            Voter.Status.PENDING: _("Your voter registration is awaiting verification"),
            Voter.Status.VERIFIED: _("You are verified as a voter"),
            Voter.Status.REJECTED: _("Your voter registration was not accepted"),
        }[status]
        body = _("Cycle: %(cycle)s. Status: %(status)s.") % {
            "cycle": voter.cycle.display_name, "status": Voter.Status(status).label}
        if status == Voter.Status.REJECTED and reason:
            body += "\n" + _("Reason: %(reason)s") % {"reason": reason}
    notification_deliver(recipient=user, key=f"voter:{voter.pk}:{decision_id or status}", subject=subject, body=body,
                         url=reverse("voting:voter_status"), kind="account")


@shared_task(bind=True, **RETRY_POLICY)
def register_import_run_task(self, *, job_id: int) -> int:
    """Import one household-register file (the service refuses to run a job twice)."""
    from voting.services.voters import register_import_run

    return register_import_run(job_id=job_id).pk


# --- Rounds, board and tally (V2) --------------------------------------------------------------

@shared_task(bind=True, **RETRY_POLICY)
def round_tally(self, *, round_id: int) -> str:
    """Count a closed round (progress on the round row; staff poll it)."""
    from voting.services.tally import round_tally_run

    return round_tally_run(round_id=round_id).status


@shared_task
def board_seal_tick() -> int:
    """Every few seconds: seal accepted ballots of open rounds, and close rounds whose time is up."""
    from voting.services.board import seal_open_rounds
    from voting.services.rounds import rounds_close_due

    return seal_open_rounds() + rounds_close_due()


@shared_task(bind=True, **RETRY_POLICY)
def receipt_email(self, sealed: str) -> None:
    """Send a voter their receipt code, which they asked for right after voting.

    Its only argument is sealed (voting/services/ballots.py, `receipt_mail_seal`): a failure record,
    the outbox or a log line never shows a user id beside a receipt.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import mail

    from voting.models import Round
    from voting.services.ballots import receipt_mail_open

    user_id, round_id, receipt = receipt_mail_open(sealed)
    user = get_user_model().objects.get(pk=user_id)
    r = Round.objects.select_related("district").get(pk=round_id)
    with translation.override(user.language or "zh-hant"):
        subject = _("Your i-Voting receipt")
        body = _("Your receipt for the %(district)s vote is %(receipt)s. After voting closes, find it on "
                 "the public board: %(url)s") % {
            "district": r.district.display_name, "receipt": receipt,
            "url": settings.SITE_URL + reverse("voting:board", args=[r.pk])}
    # Sent directly, not kept in the mail outbox: a kept row would hold an address beside a receipt. While
    # SMTP is down the task itself retries, carrying only its sealed argument (docs/security.md).
    mail.send_mail(subject, body, None, [user.email])


@shared_task(bind=True, **RETRY_POLICY)
def round_results_notify(self, *, round_id: int) -> int:
    """Tell everyone following a round that its results are published (once per person)."""
    from pbcity.follows import topic
    from pbcity.selectors import followers
    from pbcity.tasks import enqueue_isolated, notification_send
    from voting.models import Round

    r = Round.objects.select_related("district", "cycle").get(pk=round_id)
    people = list(followers(kind="round", target_id=r.pk))
    for user in people:
        with translation.override(user.language or "zh-hant"):
            subject = _("Results of the %(district)s vote are published") % {"district": r.district.display_name}
            body = _("The %(district)s i-Voting round of %(year)s is counted: %(n)s proposals admitted.") % {
                "district": r.district.display_name, "year": r.cycle.year,
                "n": r.results.filter(admitted=True).count()}
        enqueue_isolated(notification_send, user.pk, f"round-results:{r.pk}", subject, body,
                         reverse("voting:results", args=[r.pk]), kind="round", topic=topic("round", r.pk))
    return len(people)


@shared_task(bind=True, **RETRY_POLICY)
def round_schedule_announce(self, *, round_id: int, event_id: int, change: str) -> int:
    """Tell the district's verified voters and the round's followers that voting closed early or now
    closes later, and why (once per person per change, each in their language)."""
    from django.contrib.auth import get_user_model

    from pbcity.follows import topic
    from pbcity.selectors import followers
    from pbcity.systext import systext_render
    from pbcity.tasks import enqueue_isolated, notification_send
    from voting.models import Round, RoundEvent, Voter

    r = Round.objects.select_related("district", "cycle").get(pk=round_id)
    event = RoundEvent.objects.get(pk=event_id, round=r)
    voters = Voter.objects.filter(cycle=r.cycle, district=r.district, status=Voter.Status.VERIFIED,
                                  user__is_active=True).values("user_id")
    follower_ids = followers(kind="round", target_id=r.pk).values("pk")
    people = list(get_user_model().objects.filter(Q(pk__in=voters) | Q(pk__in=follower_ids)).order_by("pk"))
    for user in people:
        with translation.override(user.language or "zh-hant"):
            d = r.district.display_name
            if change == "closed":
                subject = _("Voting in %(district)s has closed early") % {"district": d}
            else:
                subject = _("Voting in %(district)s now closes later") % {"district": d}
            body = systext_render(event.reason)
        enqueue_isolated(notification_send, user.pk, f"round-{change}:{event.pk}", subject, body,
                         reverse("voting:ballot", args=[r.pk]), kind="round", topic=topic("round", r.pk))
    return len(people)


# --- Counting rules: archived elections and comparisons ------------------------------------------

@shared_task(bind=True, **RETRY_POLICY)
def archive_import_task(self, *, job_id: int) -> int:
    """Read one imported `.pb` file (the service refuses to run a job twice)."""
    from voting.services.archive import archive_import_run

    return archive_import_run(job_id=job_id).pk


@shared_task(bind=True, **RETRY_POLICY)
def rule_outcomes_task(self, *, round_id: int | None = None, election_id: int | None = None) -> int:
    """Compute what every counting rule funds (skips rules already stored)."""
    from voting.services.archive import rule_outcomes_compute

    return len(rule_outcomes_compute(round_id=round_id, election_id=election_id))
