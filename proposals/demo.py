"""Demo proposals in Traditional Chinese, walked through the lifecycle by the services."""
from collections.abc import Callable, Mapping

from proposals import services
from proposals.models import Proposal
from proposals.states import Category, ConsentKind

# (title, problem, solution, category, location, estimated cost NTD)
IDEAS = [
    ("公園增設遮陽棚與飲水機", "夏季午後公園幾乎沒有遮蔭，長者與親子無法久留，也沒有地方裝水。", "在兒童遊戲區與長椅旁增設遮陽棚兩座及無障礙飲水機一台。", Category.PARKS, "鄰里公園", 850000),
    ("通學步道人車分道", "上下學時段汽機車與學童爭道，家長多次反映險象環生。", "設置標線型人行道並於路口加設減速標線與警示標誌。", Category.TRAFFIC, "國小周邊巷道", 1200000),
    ("閒置空地改造為社區共融菜園", "巷弄內空地長年堆放雜物，孳生蚊蟲。", "清理後規劃為社區共融菜園，由里民輪流認養維護。", Category.IDLE_SPACE, "巷弄空地", 400000),
    ("老舊地下道彩繪與照明改善", "地下道昏暗且牆面斑駁，夜間行經令人不安。", "牆面彩繪在地故事並更換為 LED 照明。", Category.BEAUTIFICATION, "地下道", 650000),
    ("銀髮族共餐據點設備更新", "共餐據點廚房設備老舊，無法供應足夠餐點。", "更新商用冰箱、蒸飯箱並增設無障礙桌椅。", Category.WELFARE, "社區活動中心", 520000),
    ("河濱自行車道夜間照明", "河濱自行車道部分路段無照明，夜騎與慢跑者容易發生危險。", "增設太陽能步道燈並定期維護。", Category.SAFETY, "河濱自行車道", 1500000),
    ("社區圖書角與親子共讀空間", "附近沒有圖書館分館，孩子放學後缺乏閱讀空間。", "於活動中心設置圖書角、共讀地墊與借閱系統。", Category.EDUCATION, "活動中心二樓", 300000),
    ("特色公園無障礙共融遊具", "現有遊具不適合身障兒童使用，家長只能在旁觀看。", "汰換為共融遊具並鋪設無障礙地墊與步道。", Category.PARKS, "運動公園", 3000000),
    ("人行道平整與騎樓整平", "人行道高低不平，輪椅與嬰兒車難以通行。", "重新鋪設透水鋪面並與騎樓整平銜接。", Category.WALKING, "主要幹道人行道", 2200000),
    ("社區運動器材更新", "公園運動器材生鏽損壞，長者使用有安全疑慮。", "更新為適合長者的伸展與肌力器材並加設使用說明。", Category.SPORTS, "社區公園", 450000),
    ("垃圾車停靠點周邊清潔改善", "垃圾車停靠點常有廚餘滴漏與異味。", "設置可清洗式地面與臨時洗手台，並加強清潔頻率。", Category.ENVIRONMENT, "垃圾車停靠點", 180000),
    ("在地歷史街區導覽牌", "遊客與新住民不了解街區歷史，老建築逐漸被遺忘。", "設置中英雙語導覽牌與 QR Code 語音導覽。", Category.CULTURE, "老街區", 260000),
    ("路口行人早開號誌", "路口右轉車多，行人過馬路常被逼車。", "調整號誌為行人早開時相並增設行人倒數燈。", Category.TRAFFIC, "主要路口", 350000),
    ("校園周邊彩繪圍牆", "校園圍牆單調斑駁，塗鴉反覆出現。", "邀請學生與藝術家共同彩繪圍牆並使用防塗鴉漆。", Category.BEAUTIFICATION, "國中圍牆", 280000),
    ("高架橋下閒置空間籃球場", "橋下空間閒置且堆放雜物，青少年缺乏運動場地。", "規劃為半場籃球場與休憩座椅，並加裝照明。", Category.IDLE_SPACE, "高架橋下", 1800000),
    ("身心障礙者友善公廁", "公園公廁沒有無障礙設施，輪椅使用者無法進入。", "改建為性別友善與無障礙廁所並設置扶手與緊急求救鈴。", Category.WELFARE, "河濱公園", 2500000),
    ("里民活動中心冷氣汰換", "活動中心冷氣老舊耗電，夏天活動人數減少。", "汰換為一級能效變頻冷氣。", Category.OTHER, "里民活動中心", 380000),
    ("防災避難看板與物資箱", "居民不清楚避難處所位置，社區缺少防災物資。", "設置防災地圖看板與社區防災物資箱。", Category.SAFETY, "社區入口", 220000),
    ("公車候車亭增設座椅與遮雨", "候車亭沒有座椅與遮雨棚，長者候車辛苦。", "增設座椅、遮雨棚與到站資訊顯示器。", Category.TRAFFIC, "公車站牌", 600000),
    ("社區藝文展演小舞台", "社區團體表演沒有固定場地，只能借用停車場。", "於公園一隅設置可拆卸小舞台與電源箱。", Category.CULTURE, "公園廣場", 700000),
    ("新住民親子共學課程", "新住民家庭缺乏與在地家庭交流的機會。", "開設雙語親子共學與母語故事課程。", Category.EDUCATION, "區民活動中心", 250000),
    ("溪流沿岸步道綠美化", "溪流沿岸步道雜草叢生，景觀不佳。", "種植原生植物並設置生態解說牌。", Category.ENVIRONMENT, "溪濱步道", 900000),
    ("巷弄夜間照明補強", "巷弄路燈間距過大，夜歸婦女覺得不安全。", "補強路燈並更換為高演色性 LED 燈具。", Category.SAFETY, "住宅巷弄", 480000),
]

# Lifecycle paths; each step is (transition, actor key). The last state is where the proposal rests.
_PASS = [("pass_assembly", "district")]
_ASSIGNED = _PASS + [("designate_agencies", "district")]
_WORKSHOP = _ASSIGNED + [("send_to_workshop", "district")]
_REVIEWED = _WORKSHOP + [("pass_review", "committee")]
_EXHIBIT = _REVIEWED + [("open_exhibition", "civil")]
_VOTE = _EXHIBIT + [("open_vote", "civil")]
_ADMITTED = _VOTE + [("admit", "civil")]
_BUDGET = _ADMITTED + [("notify_agencies", "civil")]
_EXEC = _BUDGET + [("start_execution", "lead")]
PATHS = [
    [],
    _PASS,
    [("reject_at_assembly", "district")],
    _ASSIGNED,
    _ASSIGNED + [("consent:direct_execution", "proposer"), ("agree_direct_execution", "lead")],
    _ASSIGNED + [("consent:assessment", "proposer"), ("take_into_assessment", "lead")],
    _ASSIGNED + [("exclude", "district")],
    _WORKSHOP,
    _REVIEWED,
    _WORKSHOP + [("fail_review", "committee")],
    _EXHIBIT,
    _VOTE,
    _ADMITTED,
    _VOTE + [("reject_at_vote", "civil")],
    _BUDGET,
    _EXEC,
    _EXEC + [("complete", "lead")],
    _PASS + [("withdraw", "proposer")],
    _EXEC + [("close_early", "lead")],
    _ASSIGNED + [("consent:assessment", "proposer"), ("take_into_assessment", "lead"), ("close_assessment", "lead")],
    _PASS + [("consent:merge", "proposer"), ("merge", "district")],
]
# The agency each category usually goes to.
LEAD_FOR = {
    Category.PARKS: "parks", Category.TRAFFIC: "transportation", Category.IDLE_SPACE: "urban-development",
    Category.BEAUTIFICATION: "public-works", Category.WELFARE: "social-welfare", Category.SAFETY: "police",
    Category.EDUCATION: "education", Category.WALKING: "new-construction", Category.SPORTS: "sports",
    Category.ENVIRONMENT: "environment", Category.CULTURE: "culture", Category.OTHER: "civil-affairs",
}
N_PROPOSALS = 66
# Steps that leave a record in a higher app: the side tracks record their evidence with the transition
# (docs/decisions.md, "Deliberation"); completion needs the published final report ("Tracking").
# An early closure needs the proposers' consent and the committee's approval (tracking: closure requests).
HIGHER_STEPS = frozenset({"agree_direct_execution", "exclude", "complete", "close_early"})


def _assessable(idea) -> bool:
    return idea[3] in (Category.TRAFFIC, Category.IDLE_SPACE, Category.BEAUTIFICATION)


def _plan(districts) -> list[tuple]:
    """Which idea goes to which district along which path: fixed, so a second run finds every one."""
    plan, used = [], set()
    for i in range(N_PROPOSALS):
        district = districts[i % len(districts)]
        path = PATHS[i % len(PATHS)]
        needs_assessable = any(step[0] == "consent:assessment" for step in path)
        for k in range(len(IDEAS)):
            idea = IDEAS[(i + k) % len(IDEAS)]
            if (district.pk, idea[0]) not in used and (_assessable(idea) or not needs_assessable):
                break
        used.add((district.pk, idea[0]))
        plan.append((district, idea, path))
    return plan


def seed(ref, *, steps: Mapping[str, Callable[..., Proposal]]) -> list[Proposal]:
    """Walk the demo proposals along PATHS. `steps` does the steps whose records belong to an app above
    this one (HIGHER_STEPS: a side track's deliberation record, a project's final report), each called
    as `step(proposal=, actor=, reason=)`; portal/demo.py passes them, so this module imports no peer."""
    if missing := HIGHER_STEPS - set(steps):
        raise ValueError(f"proposals.demo.seed needs steps for {sorted(missing)}")
    districts = list(ref["districts"].values())
    u = ref["users"]
    cycle = ref["cycles"][2026]
    made = []
    for i, (district, idea, path) in enumerate(_plan(districts)):
        title, problem, solution, category, location, cost = idea
        existing = Proposal.objects.filter(cycle=cycle, district=district, title=title).first()
        if existing:
            made.append(existing)
            continue
        office = u["district"][district.code]
        proposer = u["residents"][i % len(u["residents"])]
        p = services.proposal_create(
            actor=office, cycle=cycle, district=district, title=title, problem=problem, solution=solution,
            category=category, location=f"{district.name}{location}", estimated_cost=cost,
            proposers=[proposer, ("里民 " + "甲乙丙丁"[i % 4] + "先生", "02-2720-8889")][: 1 + (i % 2)],
        )
        lead_code = LEAD_FOR[category]
        actors = {"district": office, "committee": u["committee"], "civil": u["civil"],
                  "lead": u["agency"][lead_code], "proposer": proposer}
        for name, who in path:
            p = Proposal.objects.get(pk=p.pk)
            if name.startswith("consent:"):
                for pp in p.proposers.all():
                    services.consent_record(proposer=pp, kind=ConsentKind(name.split(":")[1]), given=True,
                                            actor=office, note="會前會現場書面同意")
            elif name == "designate_agencies":
                co = [] if any(s[0] == "agree_direct_execution" for s in path) else [ref["agencies"]["civil-affairs"]]
                services.proposal_designate_agencies(
                    proposal=p, actor=office, lead=ref["agencies"][lead_code], co_agencies=co,
                    reason="會前會指定主辦機關",
                )
            elif name in HIGHER_STEPS:
                steps[name](proposal=p, actor=actors[who], reason=_REASONS[name])
            elif name == "merge":
                target = _merge_survivor(p, office, proposer)
                services.proposal_merge(proposal=p, into=target, actor=office, reason="與相似提案併案，提案人均同意")
            else:
                # Review outcomes have no manual path; the demo records them as the panel's close does.
                services.proposal_transition(proposal=p, actor=actors[who], transition_name=name, reason=_REASONS[name],
                                             preauthorised=name in ("pass_review", "fail_review", "open_vote", "admit",
                                                                    "reject_at_vote"))
            if name == "send_to_workshop":
                # Stage 1 of the workshop revises the text with the agency; the revision is kept.
                services.proposal_revise(
                    proposal=Proposal.objects.get(pk=p.pk), actor=actors["lead"],
                    note="第一階段工作坊：依機關建議調整範圍與經費", estimated_cost=int(cost * 0.8),
                    solution=f"{solution}（經工作坊討論，先行於一處試辦）",
                )
        made.append(p)
    made.append(resident_draft(ref))
    return made


# A proposal a resident wrote online (proposals.services.proposal_propose), still a draft: resident1's "My
# proposals" and the Da'an office's queue show it ("Raise the proposal").
RESIDENT_DRAFT = ("巷口轉角加裝反射鏡", "巷口轉角被圍牆擋住視線，機車常和走路的人擦撞。",
                  "在轉角加裝兩面道路反射鏡，並重新畫停止線。", Category.TRAFFIC, "巷口轉角", 60000)


def resident_draft(ref) -> Proposal:
    """One resident's online draft, in a village of Da'an at a point inside it (idempotent)."""
    from places.demo import place_for

    title, problem, solution, category, location, cost = RESIDENT_DRAFT
    cycle, district = ref["cycles"][2026], ref["districts"]["daan"]
    existing = Proposal.objects.filter(cycle=cycle, district=district, title=title).first()
    if existing:
        return existing
    village, lon, lat = place_for(title, district) or (None, None, None)
    return services.proposal_propose(
        actor=ref["users"]["residents"][0], cycle=cycle, district=district, title=title, problem=problem,
        solution=solution, category=category, location=f"{district.name}{location}", estimated_cost=cost,
        village=village, point_lon=lon, point_lat=lat)


def _merge_survivor(p, office, proposer) -> Proposal:
    """A similar proposal raised at the same assembly, which `p` merges into."""
    survivor = Proposal.objects.filter(cycle=p.cycle, district=p.district, title=f"{p.title}（整合版）").first()
    if survivor is None:
        survivor = services.proposal_create(
            actor=office, cycle=p.cycle, district=p.district, title=f"{p.title}（整合版）", problem=p.problem,
            solution=p.solution, category=p.category, location=p.location, estimated_cost=p.estimated_cost,
            proposers=[proposer],
        )
        services.proposal_transition(proposal=survivor, actor=office, transition_name="pass_assembly",
                                     reason=_REASONS["pass_assembly"])
    return survivor


_REASONS = {
    "pass_assembly": "住民大會過半數支持且名列前茅",
    "reject_at_assembly": "未獲在場過半數支持",
    "agree_direct_execution": "內容單純、單一機關、當年度預算可支應",
    "take_into_assessment": "屬交通管理／閒置空間／環境美化類，交由機關整體評估",
    "exclude": "屬提案排除項目（人事費用）",
    "send_to_workshop": "進入提案審議工作坊",
    "pass_review": "審議團三項指標均為綠燈或黃燈",
    "fail_review": "適法性為紅燈",
    "open_exhibition": "公開展覽開始",
    "open_vote": "i-Voting 開始",
    "admit": "得票數超過門檻且在錄案上限內",
    "reject_at_vote": "得票數未達門檻",
    "notify_agencies": "民政局通知權責機關進行預算評估",
    "start_execution": "預算已編列，開始執行",
    "complete": "工程驗收完成",
    "withdraw": "提案人因搬遷撤案",
    "close_early": "用地取得困難，經協調後提早結案",
    "close_assessment": "整體評估後不予執行，已報工作小組",
}
