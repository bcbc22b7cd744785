"""Demo data for the deliberation stage: pre-meetings, side tracks, stage-1 sessions, and (W2's
`demo_panel`) the drawn, scored panel. Built through the services; a second run adds nothing."""
import datetime
import importlib

from django.utils import timezone

from proposals.models import Proposal
from proposals.states import State

from . import services
from .models import DesignationPrinciples, ExclusionCategory, PreMeeting, WorkshopSession

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
    """Called by proposals.demo for the side tracks that need a deliberation record."""
    if name == "agree_direct_execution":
        return services.direct_execution_agree(
            proposal=proposal, actor=actor, budget_covers=True, finishable_this_year=True,
            budget_line=f"{proposal.cycle.year} 年度{proposal.lead_agency.name}維護費", reason=reason,
        )
    civil = _civil()
    category = _categories(proposal.cycle, civil)[0]
    office = _office(proposal.district)
    return services.proposal_exclude(proposal=proposal, actor=office, category=category, reason=reason)


def _civil():
    from pbcity.models import User

    return User.objects.get(email="civil@demo.pbcity.tw")


def _office(district):
    from pbcity.models import User

    return User.objects.get(email=f"{district.code}-office@demo.pbcity.tw")


def _seed_premeeting(ref):
    cycle = ref["cycles"][2026]
    u = ref["users"]
    if not DesignationPrinciples.objects.filter(cycle=cycle).exists():
        services.principles_save(cycle=cycle, actor=u["civil"], text=PRINCIPLES,
                                 agreed_on=datetime.date(cycle.year, 4, 20), reason="年度機關共識會議決議")
    _categories(cycle, u["civil"])
    out = {}
    for code in DEMO_DISTRICTS:
        district = ref["districts"][code]
        office = u["district"][code]
        pm = PreMeeting.objects.filter(cycle=cycle, district=district).first()
        if pm is None:
            pm = services.premeeting_plan(actor=office, cycle=cycle, district=district,
                                          held_on=datetime.date(cycle.year, 5, 12), venue=f"{district.name}公所 3 樓會議室")
            agencies = ref["agencies"]
            services.premeeting_record(
                premeeting=pm, actor=office,
                attending_agencies=[agencies[c] for c in ("parks", "transportation", "new-construction",
                                                          "civil-affairs") if c in agencies],
                minutes="一、區公所說明本年度住民大會成案提案。\n二、各機關就權責分工交換意見。\n"
                        "三、依年度指定原則，逐案指定主辦及協辦機關。",
            )
        waiting = [p for p in Proposal.objects.filter(cycle=cycle, district=district, state=State.ASSEMBLY_PASSED,
                                                      transitions__transition="pass_assembly").distinct()]
        if waiting:
            from proposals.demo import LEAD_FOR

            agencies = ref["agencies"]
            services.premeeting_designate(
                premeeting=pm, actor=office, reason="依年度指定原則指定",
                designations=[(p, agencies[LEAD_FOR[p.category]], [agencies["civil-affairs"]]) for p in waiting[:1]],
            )
        out[code] = pm
    return out


def _seed_stage1(ref, premeetings):
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
        session = services.session_plan(
            actor=office, cycle=cycle, district=district, experts=experts,
            starts_at=timezone.make_aware(datetime.datetime(cycle.year, 6, 8, 14, 0)),
            venue=f"{district.name}公所 10 樓禮堂", online_url="https://meet.example.tw/pb-workshop-1",
        )
        for p in Proposal.objects.filter(cycle=cycle, district=district, state=State.IN_WORKSHOP).select_related(
                "lead_agency")[:3]:
            lead_user = u["agency"].get(p.lead_agency.code) if p.lead_agency else None
            if lead_user is not None:
                services.opinion_record(
                    session=session, proposal=p, actor=lead_user, agency=p.lead_agency, verdict="with_changes",
                    reasons="原方案位置位於管線上方，需調整設置點。", alternatives="改設於公園東側入口旁，並分兩期施作。",
                    cost_estimate=(p.estimated_cost or 500000),
                )
            if experts:
                services.suggestion_record(session=session, proposal=p, actor=office, expert=experts[0],
                                           suggestion="建議加入無障礙設計，並與在地里辦公處共同維護。")
        out[code] = session
    return out


def seed(ref):
    out = {"premeetings": _seed_premeeting(ref)}
    out["stage1"] = _seed_stage1(ref, out["premeetings"])
    try:
        panel = importlib.import_module("deliberation.demo_panel")
    except ModuleNotFoundError as exc:
        if exc.name != "deliberation.demo_panel":
            raise
    else:
        out["panel"] = panel.seed(ref)
    return out
