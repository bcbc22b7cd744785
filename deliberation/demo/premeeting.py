"""Demo pre-meetings, side tracks and stage-1 sessions (deliberation.demo.seed runs them before the panel)."""
import datetime

from django.utils import timezone

from proposals.models import Proposal
from proposals.states import State

from .. import services
from ..models import DesignationPrinciples, ExclusionCategory, PreMeeting, WorkshopSession

DEMO_DISTRICTS = ("daan", "wanhua")

PRINCIPLES = (
    "一、提案內容涉及單一機關權責者，由該機關主辦。\n"
    "二、涉及多機關者，以預算主要編列機關為主辦，其餘為協辦。\n"
    "三、公園綠地由公園處主辦；道路、人行道由新工處主辦；交通號誌與標線由交通局主辦。\n"
    "四、機關對指定有異議者，應於會前會後七日內敘明理由提出，由區公所決定並記錄。"
)
EXCLUSIONS = [
    ("人事費用", "Personnel costs", "參與式預算不支應機關人事費用或常態性人力。"),
    ("違反法令", "Against the law", "提案內容違反法令或涉及私人利益者，不列入參與式預算。"),
    ("已編列預算", "Already budgeted", "機關已編列預算或已規劃辦理之項目，不重複列入。"),
]


def _categories(cycle, civil):
    for name, name_en, explanation in EXCLUSIONS:
        if not ExclusionCategory.objects.filter(cycle=cycle, name=name).exists():
            services.exclusion_category_save(cycle=cycle, actor=civil, name=name, name_en=name_en,
                                             explanation=explanation)
    return list(ExclusionCategory.objects.filter(cycle=cycle))


def side_track(*, proposal, name, actor, reason):
    """Called by the proposals demo (through portal/demo.py) for the side tracks that need a deliberation record."""
    if name == "agree_direct_execution":
        return services.direct_execution_agree(
            proposal=proposal, actor=actor, budget_covers=True, finishable_this_year=True,
            budget_line=f"{proposal.cycle.year} 年度{proposal.lead_agency.name}維護費", reason=reason,
        )
    category = _categories(proposal.cycle, _civil())[0]
    return services.proposal_exclude(proposal=proposal, actor=actor, category=category, reason=reason)


def _civil():
    from pbcity.models import User

    return User.objects.get(email="civil@demo.pbcity.tw")


# Proposals the demo districts' assemblies passed, entered here so that every pre-meeting and stage-1
# page has something to show (title, problem, solution, category, location, cost, lead, co-agencies).
AGENDA = [
    ("社區公園共融遊具", "公園遊具老舊，輪椅使用者無法使用。", "更新為共融遊具並鋪設無障礙步道。", "parks", "公園",
     1200000, "parks", ["new-construction"]),
    ("通學巷彩繪與減速標線", "上下學時段車速過快，學童穿越危險。", "繪設通學巷標線並加設減速設施。", "walking", "國小周邊巷道",
     600000, "transportation", ["public-works"]),
    ("長者共餐據點設備更新", "共餐據點廚房設備老舊。", "更新廚房設備並增設無障礙座位。", "welfare", "里民活動中心",
     450000, "social-welfare", []),
]


def _agenda_proposals(ref, cycle, district, office):
    from proposals import services as proposal_services

    residents = ref["users"]["residents"]
    out = []
    for i, (title, problem, solution, category, location, cost, _lead, _co) in enumerate(AGENDA):
        p = Proposal.objects.filter(cycle=cycle, district=district, title=title).first()
        if p is None:
            p = proposal_services.proposal_create(
                actor=office, cycle=cycle, district=district, title=title, problem=problem, solution=solution,
                category=category, location=f"{district.name}{location}", estimated_cost=cost,
                proposers=[residents[(i + 3 * district.pk) % len(residents)]],
            )
            p = proposal_services.proposal_transition(proposal=p, actor=office, transition_name="pass_assembly",
                                                      reason="住民大會過半數支持且名列前茅")
        out.append(p)
    return out


def seed_premeeting(ref):
    cycle = ref["cycles"][2026]
    u = ref["users"]
    agencies = ref["agencies"]
    if not DesignationPrinciples.objects.filter(cycle=cycle).exists():
        services.principles_save(cycle=cycle, actor=u["civil"], text=PRINCIPLES,
                                 agreed_on=datetime.date(cycle.year, 4, 20), reason="年度機關共識會議決議")
    _categories(cycle, u["civil"])
    out = {}
    for code in DEMO_DISTRICTS:
        district = ref["districts"][code]
        office = u["district"][code]
        pm = PreMeeting.objects.filter(cycle=cycle, district=district).first()
        if pm is not None:
            out[code] = pm
            continue
        agenda = _agenda_proposals(ref, cycle, district, office)
        pm = services.premeeting_plan(actor=office, cycle=cycle, district=district,
                                      held_on=datetime.date(cycle.year, 5, 12), venue=f"{district.name}公所 3 樓會議室")
        services.premeeting_record(
            premeeting=pm, actor=office,
            attending_agencies=[agencies[c] for c in ("parks", "transportation", "new-construction", "public-works",
                                                      "social-welfare")],
            minutes="一、區公所說明本年度住民大會成案提案。\n二、各機關就權責分工交換意見。\n"
                    "三、依年度指定原則，逐案指定主辦及協辦機關；長者共餐案待社會局確認後再行指定。",
        )
        # The last agenda item stays waiting, so the one-screen designation form shows something.
        services.premeeting_designate(
            premeeting=pm, actor=office, reason="依年度指定原則指定",
            designations=[(p, agencies[row[6]], [agencies[c] for c in row[7]])
                          for p, row in zip(agenda[:2], AGENDA[:2])],
        )
        first = Proposal.objects.get(pk=agenda[0].pk)
        contest = services.contest_raise(proposal=first, actor=u["agency"]["new-construction"],
                                         agency=agencies["new-construction"],
                                         reason="遊具更新屬公園處權責，本處無相關預算。")
        services.contest_decide(contest=contest, actor=office, outcome="kept",
                                reason="步道工程屬新工處權責，依指定原則第二點維持協辦。")
        services.contact_log(proposal=first, actor=u["agency"]["parks"], agency=agencies["parks"],
                             contacted_on=datetime.date(cycle.year, 5, 20), way="site_visit",
                             summary="與提案人至公園現場會勘，確認遊具位置與無障礙動線。")
        out[code] = pm
    return out


def seed_stage1(ref, premeetings):
    from proposals import services as proposal_services
    from training.models import Expert

    cycle = ref["cycles"][2026]
    u = ref["users"]
    out = {}
    experts = list(Expert.objects.filter(available_for_workshops=True).order_by("id")[:2])
    for code in DEMO_DISTRICTS:
        district = ref["districts"][code]
        office = u["district"][code]
        session = WorkshopSession.objects.filter(cycle=cycle, district=district).first()
        if session is not None:
            out[code] = session
            continue
        titles = [row[0] for row in AGENDA[:2]]
        discussed = list(Proposal.objects.filter(cycle=cycle, district=district, title__in=titles,
                                                 state=State.AGENCIES_ASSIGNED).select_related("lead_agency"))
        for p in discussed:
            proposal_services.proposal_transition(proposal=p, actor=office, transition_name="send_to_workshop",
                                                  reason="進入提案審議工作坊")
        session = services.session_plan(
            actor=office, cycle=cycle, district=district, experts=experts,
            starts_at=timezone.make_aware(datetime.datetime(cycle.year, 6, 8, 14, 0)),
            venue=f"{district.name}公所 10 樓禮堂", online_url="https://meet.example.tw/pb-workshop-1",
        )
        for p in Proposal.objects.filter(pk__in=[d.pk for d in discussed]).select_related("lead_agency"):
            services.opinion_record(
                session=session, proposal=p, actor=u["agency"][p.lead_agency.code], agency=p.lead_agency,
                verdict="with_changes", reasons="原方案位置位於地下管線上方，需調整設置點。",
                alternatives="改設於東側入口旁，並分兩期施作。", cost_estimate=int((p.estimated_cost or 500000) * 0.9),
            )
            if experts:
                services.suggestion_record(session=session, proposal=p, actor=office, expert=experts[0],
                                           suggestion="建議加入無障礙設計，並與在地里辦公處共同維護。")
            proposer = p.proposers.filter(user__isnull=False).select_related("user").first()
            if proposer is not None:
                proposal_services.proposal_revise(
                    proposal=p, actor=proposer.user, note="第一階段工作坊：依機關意見調整位置與經費",
                    solution=f"{p.solution}（依工作坊討論，改設於東側入口旁並分兩期施作）",
                    estimated_cost=int((p.estimated_cost or 500000) * 0.9),
                )
        out[code] = session
    return out
