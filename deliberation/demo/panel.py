"""Demo data: a drawn, scored and closed citizen review panel in two districts, through the services.

Called by deliberation.demo.seed. A second run adds nothing: a district that already has a panel
in the cycle is left as it is.
"""
import datetime

from django.db.models import Count
from django.utils import timezone

from pbcity.demo import _user
from pbcity.roles import Role
from proposals import services as proposal_services
from proposals.models import Proposal, ProposalProposer
from proposals.states import State
from training.permissions import may_vice_host

from .. import rules, services
from ..models import ReviewPanel

PREFERRED = ("daan", "wanhua")
N_PANELS = 2
# Public values as a lottery would announce them (Lotto 6/49, ascending).
RANDOM_VALUES = ["03,11,19,27,38,42", "05,08,16,23,31,47"]
SOURCE = "台灣彩券大樂透 {date} 開獎號碼（六個號碼由小到大，以逗號分隔）"


def _districts(ref, cycle):
    """Districts with proposals in the workshop, the deliberation demo's districts first."""
    counts = dict(
        Proposal.objects.filter(cycle=cycle, state=State.IN_WORKSHOP).values_list("district__code")
        .annotate(n=Count("id")).values_list("district__code", "n")
    )
    codes = [c for c in PREFERRED if counts.get(c)] + sorted(c for c in counts if c not in PREFERRED)
    return [ref["districts"][c] for c in codes]


def _previous_year_proposers(ref, cycle):
    """A few of last cycle's proposers with accounts, so the two proposer seats can be drawn."""
    previous = ref["cycles"].get(cycle.year - 1)
    if previous is None:
        return
    districts = list(ref["districts"].values())
    for n in range(1, 7):
        home = districts[n % len(districts)]
        user = _user(f"proposer2025-{n}@demo.pbcity.tw", f"去年提案人 {n} 號", district=home)
        if ProposalProposer.objects.filter(user=user, proposal__cycle=previous).exists():
            continue
        office = ref["users"]["district"][home.code]
        p = proposal_services.proposal_create(
            actor=office, cycle=previous, district=home, title=f"{home.name}社區共享書櫃（{n}）",
            problem="社區缺少交流空間。", solution="於活動中心設置共享書櫃與閱讀角。", category="culture",
            proposers=[user],
        )
        proposal_services.proposal_transition(proposal=p, actor=office, transition_name="reject_at_assembly",
                                              reason="未獲在場過半數支持")


def _lights(member_index: int, proposal_index: int):
    """Plausible lights: the first proposal of each panel passes with a few dissenting reds; the second has
    a legal problem most members see (red legality: it does not go on); later ones pass with yellows."""
    if proposal_index == 0:
        return ("green", "green" if member_index % 3 else "yellow", "green" if member_index % 4 else "red")
    if proposal_index == 1:
        return ("green", "red" if member_index % 3 else "yellow", "yellow")
    return ("yellow" if member_index % 2 else "green", "green", "yellow")


def seed(ref):
    cycle = ref["cycles"][max(ref["cycles"])]
    u = ref["users"]
    _previous_year_proposers(ref, cycle)
    co_host = _user("committee2@demo.pbcity.tw", "公參委員 林委員", staff_roles=[(Role.COMMITTEE, None)])
    out = {}
    existing = list(ReviewPanel.objects.filter(cycle=cycle).select_related("district").order_by("id"))
    if len(existing) >= N_PANELS:
        # A second run: the first run's panels have decided their proposals, which are no longer in the
        # workshop, so choosing districts again would plan new panels elsewhere.
        return {panel.district.code: panel for panel in existing}
    for i, district in enumerate(_districts(ref, cycle)[:N_PANELS]):
        panel = ReviewPanel.objects.filter(cycle=cycle, district=district).first()
        if panel is not None:
            out[district.code] = panel
            continue
        office = u["district"][district.code]
        starts = timezone.make_aware(datetime.datetime(cycle.year, 6, 27 + i, 14, 0))
        panel = services.panel_plan(actor=office, cycle=cycle, district=district, starts_at=starts,
                                    venue=f"{district.name}公所 10 樓禮堂", online_url="https://meet.example.tw/pb-panel")
        from pbcity.models import User

        deliberator = next(
            (c for c in User.objects.filter(email__startswith=f"citizen-{district.code}-").order_by("email")
             if may_vice_host(c)), None)
        if deliberator is None:
            continue
        services.panel_appoint(panel=panel, actor=u["civil"], host=u["committee"], co_host=co_host,
                               deliberator=deliberator, reason="公參會參與預算組推派")
        draw_date = (starts - datetime.timedelta(days=2)).date()
        services.panel_commit(panel=panel, actor=office, randomness_source=SOURCE.format(date=draw_date.isoformat()),
                              randomness_date=draw_date)
        services.panel_draw(panel=panel, actor=office, random_value=RANDOM_VALUES[i % len(RANDOM_VALUES)])
        # One drawn member sends apologies: the next alternate of the same seat type takes the seat.
        absent = panel.seats.filter(seat_type=rules.BASIC).order_by("id").first()
        if absent is not None:
            services.panel_mark_absent(panel=panel, actor=office, seat=absent, reason="臨時身體不適，事前請假")
        services.panel_open_scoring(panel=panel, actor=u["committee"])
        agenda = list(panel.agenda.order_by("id"))
        seats = [s for s in panel.seats.filter(status="seated").order_by("id") if s.is_scoring]
        for m, seat in enumerate(seats):
            for k, p in enumerate(agenda):
                if p.proposers.filter(user_id=seat.user_id).exists():
                    continue  # nobody scores their own proposal
                pub, leg, bud = _lights(m, k)
                note = "建議補充維護管理計畫。" if (m + k) % 4 == 0 else ""
                services.score_submit(panel=panel, actor=seat.user, proposal=p, publicness=pub, legality=leg,
                                      budget=bud, note=note)
        services.panel_close(panel=panel, actor=u["committee"])
        out[district.code] = panel
    return out
