"""The demo city, built app by app on the base's reference data and users (`manage.py seed_demo`).

The top layer calls each app's `demo.seed` explicitly, in an order that matters (assemblies need the
card holders that training creates), and hands the proposals and assemblies demos the steps whose
records belong to a higher app (a side track's deliberation record, a project's final report), so no
app's demo imports a peer. Every step is idempotent: running it twice adds nothing.
"""
from functools import partial

from accountability import demo as accountability_demo
from assemblies import demo as assemblies_demo
from cyclekit import demo as cyclekit_demo
from deliberation import demo as deliberation_demo
from evaluation import demo as evaluation_demo
from mobilisation import demo as mobilisation_demo
from pbcity import demo as city
from places import demo as places_demo
from proposals import demo as proposals_demo
from tracking import demo as tracking_demo
from training import demo as training_demo
from voting import demo as voting_demo


def higher_steps() -> dict:
    """The lifecycle steps (proposals.demo.HIGHER_STEPS) done through an app above proposals."""
    return {
        "agree_direct_execution": partial(deliberation_demo.side_track, name="agree_direct_execution"),
        "exclude": partial(deliberation_demo.side_track, name="exclude"),
        "complete": tracking_demo.complete_with_report,
        "close_early": accountability_demo.close_early_at_a_meeting,
    }


def build() -> dict:
    ref = city.reference_data()
    ref["cycles"] = city.cycles()
    ref["users"] = city.users(ref)
    ref["places"] = places_demo.seed(ref)
    steps = higher_steps()
    ref["proposals"] = proposals_demo.seed(ref, steps=steps)
    ref["training"] = training_demo.seed(ref)
    ref["assemblies"] = assemblies_demo.seed(ref, complete=steps["complete"])
    ref["deliberation"] = deliberation_demo.seed(ref)
    ref["voting"] = voting_demo.seed(ref)
    ref["tracking"] = tracking_demo.seed(ref)
    ref["placed"] = place_demo_items(ref)
    ref["accountability"] = accountability_demo.seed(ref)
    ref["mobilisation"] = mobilisation_demo.seed(ref)
    ref["evaluation"] = evaluation_demo.seed(ref)
    ref["cyclekit"] = cyclekit_demo.seed(ref)
    ref["notifications"] = notifications(ref)
    return ref


def place_demo_items(ref) -> int:
    """Every demo proposal without a village gets a plausible one of its district and a point inside it
    (places.demo.place_for), through the proposals' service, so the audit trail shows it; one project's
    point is refined by its lead agency. Idempotent: placed proposals are left alone."""
    from proposals.models import Proposal
    from proposals.services import proposal_place_set
    from tracking.models import Project
    from tracking.services import project_point_refine

    users = ref["users"]
    placed = 0
    for p in Proposal.objects.filter(village__isnull=True).select_related("district").order_by("id"):
        spot = places_demo.place_for(p.title, p.district)
        if spot is None:
            continue
        village, lon, lat = spot
        proposal_place_set(proposal=p, actor=users["district"][p.district.code], village=village, point_lon=lon,
                           point_lat=lat, reason="示範資料：依提案地點說明定位")
        placed += 1
    project = (Project.objects.filter(point_lon__isnull=True, proposal__village__isnull=False)
               .select_related("proposal__village", "lead_agency").order_by("id").first())
    lead = project and users["agency"].get(project.lead_agency.code)
    if lead is not None and not Project.objects.filter(point_lon__isnull=False).exists():
        lon, lat = places_demo.point_in(project.proposal.village, f"{project.title}（施工位置）")
        project_point_refine(project=project, actor=lead, point_lon=lon, point_lat=lat, reason="依施工範圍修正位置")
    return placed


def notifications(ref) -> dict:
    """Follows, preferences and one sent daily digest, so the inbox and settings pages have something to show.

    resident1 follows three proposals, a project and a round of other people, reads proposal and project
    news in a daily digest (yesterday's was sent); resident2 keeps proposal news in the inbox only; the
    committee member reads the audit head in a digest. Idempotent: follows and preferences are
    get-or-create, the digest is made only once.
    """
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from pbcity import services as pb
    from pbcity.follows import topic
    from pbcity.models import Delivery, NotificationDigest
    from proposals.models import Proposal
    from tracking.models import Project
    from voting.models import Round

    residents = ref["users"]["residents"]
    reader, quiet = residents[0], residents[1]
    mine = Proposal.objects.public().filter(proposers__user=reader).values_list("pk", flat=True)
    followed = list(Proposal.objects.public().exclude(pk__in=list(mine)).order_by("pk")[:3])
    for p in followed:
        pb.follow_add(user=reader, kind="proposal", target_id=p.pk)
    project = Project.objects.order_by("pk").first()
    if project:
        pb.follow_add(user=reader, kind="project", target_id=project.pk)
    voting_round = Round.objects.exclude(status=Round.Status.DRAFT).order_by("pk").first()
    if voting_round:
        pb.follow_add(user=reader, kind="round", target_id=voting_round.pk)
    pb.notification_preference_set(user=reader, kind="proposal", delivery=Delivery.DIGEST)
    pb.notification_preference_set(user=reader, kind="project", delivery=Delivery.DIGEST)
    pb.notification_preference_set(user=quiet, kind="proposal", delivery=Delivery.IN_APP)
    pb.notification_preference_set(user=ref["users"]["committee"], kind="audit", delivery=Delivery.DIGEST)
    if not NotificationDigest.objects.filter(user=reader).exists():
        with override(reader.language or "zh-hant"):
            for p in followed:
                pb.notification_deliver(
                    recipient=reader, key=f"demo-digest:{p.pk}", kind="proposal", topic=topic("proposal", p.pk),
                    subject=_("A proposal you follow, “%(title)s”, is now: %(state)s") % {
                        "title": p.title, "state": p.get_state_display()},
                    body=p.get_state_display(), url=p.get_absolute_url())
        pb.notification_digest_send(user=reader, day=timezone.localdate() - datetime.timedelta(days=1))
    return {"follower": reader, "followed": followed}


LOGINS = [
    ("admin@demo.pbcity.tw", "site administrator (/admin/)"),
    ("resident1@demo.pbcity.tw … resident12@demo.pbcity.tw", "residents and proposers"),
    ("citizen-daan-1@demo.pbcity.tw … citizen-<district>-15@…", "card holders (1–7 basic, 8–10 advanced, 11–15 deliberation)"),
    ("daan-office@demo.pbcity.tw (any <district>-office@…)", "district-office staff"),
    ("civil@demo.pbcity.tw", "civil-affairs staff"),
    ("parks@demo.pbcity.tw, transportation@demo.pbcity.tw, … (<agency-code>@…)", "agency staff"),
    ("committee@demo.pbcity.tw", "committee member (audit trails)"),
    ("councillor-daan@demo.pbcity.tw", "councillor, Da'an"),
    ("trainer@demo.pbcity.tw", "trainer"),
]
