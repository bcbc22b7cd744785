"""Demo assemblies, run through the real services: closed ones with results in several districts
(2025 and 2026), one planned 2026 assembly open for registration. Idempotent by (cycle, district, title)."""
import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from pbcity.models import User
from places.demo import place_for
from proposals import services as proposal_services
from proposals.models import Proposal

from . import permissions as perm
from . import services
from .models import Assembly

FEATURES = {
    "songshan": "松山區有饒河街觀光夜市、松山文創園區與基隆河右岸河濱公園，機場周邊住宅密集。",
    "xinyi": "信義區兼具信義計畫區商圈與四獸山步道，老舊眷村社區與新興大樓並存。",
    "daan": "大安區有大安森林公園、師大與臺大周邊商圈，學校多、通學人口多，人行空間需求高。",
    "zhongshan": "中山區有中山北路林蔭大道、大佳河濱公園與多處商辦，新住民與外籍工作者多。",
    "wanhua": "萬華區是臺北最早發展的街區，有龍山寺、剝皮寮等歷史空間，長者比例高。",
}
# (title, problem, solution, category, location)
IDEAS = [
    ("公園增設遮陽棚與長椅", "夏季公園缺少遮蔭，長者無法久坐。", "增設遮陽棚與有扶手長椅。", "parks", "社區公園"),
    ("通學巷道標線型人行道", "上下學時段人車爭道。", "劃設標線型人行道並加設減速標誌。", "traffic", "國小周邊巷道"),
    ("社區共餐據點廚房改善", "共餐據點廚房設備老舊。", "汰換冰箱與蒸飯箱。", "welfare", "里民活動中心"),
    ("河濱步道夜間照明", "河濱步道夜間昏暗。", "增設太陽能步道燈。", "safety", "河濱步道"),
    ("親子共讀圖書角", "孩子放學後缺乏閱讀空間。", "於活動中心設置圖書角與共讀地墊。", "education", "活動中心"),
    ("老街導覽牌與語音導覽", "遊客不了解街區歷史。", "設置中英雙語導覽牌與 QR Code 語音導覽。", "culture", "老街區"),
]
# (district, year, title, vote counts per proposal); 12 attendees with 3 votes each = 36 votes.
CLOSED = [
    ("daan", 2025, "大安區 2025 年住民大會", [10, 9, 8, 5, 4]),
    ("songshan", 2025, "松山區 2025 年住民大會", [11, 8, 7, 6, 4]),
    ("xinyi", 2025, "信義區 2025 年住民大會", [9, 9, 8, 6, 4]),
    ("zhongshan", 2026, "中山區 2026 年住民大會", [10, 8, 8, 6, 4]),  # K=2: a tie at rank 2, settled by lot
    ("wanhua", 2026, "萬華區 2026 年住民大會", [12, 6, 8, 7, 3]),  # 6 of 12 is exactly half: not enough
]
PLANNED = ("daan", 2026, "大安區 2026 年住民大會")
N_ATTENDEES, VOTES_EACH = 12, 3
WALK_IN_NAMES = ["林阿姨", "陳伯伯", "張同學", "黃太太", "李先生", "王小姐", "吳老師", "趙里長", "周媽媽", "徐大哥",
                 "孫同學", "馬先生", "朱小姐", "胡阿公"]
# The first passed proposal of every 2025 assembly is carried to completion, so the 2026 briefings
# list past successes; each step is (transition, actor key).
TO_COMPLETION = [("send_to_workshop", "district"), ("pass_review", "committee"), ("open_exhibition", "civil"),
                 ("open_vote", "civil"), ("admit", "civil"), ("notify_agencies", "civil"),
                 ("start_execution", "lead"), ("complete", "lead")]
LEAD_FOR = {"parks": "parks", "traffic": "transportation", "welfare": "social-welfare", "safety": "police",
            "education": "education", "culture": "culture"}


def _table_people(code: str) -> list:
    """Four demo users who may lead a table and record: deliberation card holders from the training
    demo, the district's own citizens first."""
    people = []
    users = User.objects.filter(email__endswith="@demo.pbcity.tw")
    own = list(users.filter(email__startswith=f"citizen-{code}-").order_by("email"))
    for user in own + list(users.exclude(pk__in=[u.pk for u in own]).order_by("email")):
        if perm.can_lead_table(user) and perm.can_be_recorder(user):
            people.append(user)
        if len(people) == 4:
            break
    return people


def _allocate(assembly, attendees, counts, items) -> None:
    """Cast the votes round-robin: each attendee uses all votes, never twice on one proposal."""
    ptr = 0
    for item, n in zip(items, counts):
        for j in range(n):
            services.vote_cast(assembly=assembly, code=attendees[(ptr + j) % len(attendees)].code, item_id=item.pk)
        ptr += n


def _run_assembly(ref, code, year, title, counts, people) -> Assembly:
    district, cycle = ref["districts"][code], ref["cycles"][year]
    office = ref["users"]["district"][code]
    starts = timezone.make_aware(datetime.datetime(year, 3, 14 + len(code) % 10, 14, 0))
    a = services.assembly_plan(
        actor=office, cycle=cycle, district=district, title=title, starts_at=starts,
        venue=f"{district.name}行政中心 10 樓大禮堂", top_k=cycle.assembly_top_k, votes_per_attendee=VOTES_EACH,
        district_features=FEATURES.get(code, ""),
    )
    residents = [r for r in ref["users"]["residents"]][:2]
    registered = [services.attendee_register(assembly=a, user=r) for r in residents]
    services.assembly_open(assembly=a, actor=office)
    attendees = [services.attendee_sign_in(assembly=a, actor=office, code=r.code) for r in registered]
    for name in WALK_IN_NAMES[: N_ATTENDEES - len(attendees)]:
        attendees.append(services.attendee_walk_in(assembly=a, actor=office, name=name, contact="02-2720-8889"))
    half = len(attendees) // 2
    tables = [
        services.table_add(assembly=a, actor=office, number=1, lead=people[0], recorder=people[1]),
        services.table_add(assembly=a, actor=office, number=2, lead=people[2], recorder=people[3]),
    ]
    services.attendee_seat(table=tables[0], actor=office, attendees=attendees[:half])
    services.attendee_seat(table=tables[1], actor=office, attendees=attendees[half:])
    items = []
    for i, _n in enumerate(counts):
        t, proposers = (tables[0], attendees[:half]) if i % 2 == 0 else (tables[1], attendees[half:])
        t_title, problem, solution, category, location = IDEAS[(i + len(code)) % len(IDEAS)]
        title = f"{district.name}{t_title}"
        # The recorder gives the village (and here a point) of a proposal raised at the table: places.rules.
        village, lon, lat = place_for(title, district) or (None, None, None)
        items.append(services.assembly_proposal_record(
            table=t, actor=t.recorder, title=title, problem=problem, solution=solution,
            category=category, location=f"{district.name}{location}", proposers=[proposers[i // 2 % len(proposers)]],
            village=village, point_lon=lon, point_lat=lat,
        ))
    services.vote_open(assembly=a, actor=office)
    _allocate(a, attendees, counts, items)
    return services.assembly_close(assembly=a, actor=office)


def _to_completion(ref, assembly, complete) -> None:
    item = assembly.items.filter(passed=True).select_related("proposal").order_by("rank", "id").first()
    if item is None:
        return
    p = item.proposal
    u = ref["users"]
    lead_code = LEAD_FOR.get(p.category, "civil-affairs")
    actors = {"district": u["district"][assembly.district.code], "committee": u["committee"], "civil": u["civil"],
              "lead": u["agency"][lead_code]}
    proposal_services.proposal_designate_agencies(proposal=p, actor=actors["district"], lead=ref["agencies"][lead_code],
                                                  reason="會前會指定主辦機關")
    for name, who in TO_COMPLETION:
        p = Proposal.objects.get(pk=p.pk)
        if name == "complete":  # only through the published final report (docs/decisions.md, "Tracking")
            complete(proposal=p, actor=actors[who], reason="示範資料：依流程推進")
            continue
        proposal_services.proposal_transition(proposal=p, actor=actors[who], transition_name=name,
                                              reason="示範資料：依流程推進", preauthorised=name in ("pass_review", "open_vote", "admit"))


def seed(ref, *, complete: Callable) -> list[Assembly]:
    """`complete(proposal=, actor=, reason=)` completes a carried proposal through the project's final
    report (tracking, a peer this app does not import; portal/demo.py passes it)."""
    for code, year, title, counts in CLOSED:
        if Assembly.objects.filter(cycle=ref["cycles"][year], district=ref["districts"][code], title=title).exists():
            continue
        people = _table_people(code)
        if len(people) < 4:  # the training demo has not issued deliberation cards: no tables, no assembly
            continue
        with transaction.atomic():
            a = _run_assembly(ref, code, year, title, counts, people)
            if year == 2025:
                _to_completion(ref, a, complete)
    code, year, title = PLANNED
    district, cycle = ref["districts"][code], ref["cycles"][year]
    if not Assembly.objects.filter(cycle=cycle, district=district, title=title).exists():
        a = services.assembly_plan(
            actor=ref["users"]["district"][code], cycle=cycle, district=district, title=title,
            starts_at=timezone.now() + datetime.timedelta(days=14), venue=f"{district.name}行政中心 10 樓大禮堂",
            online_url="https://meet.example.tw/pbcity-daan", top_k=cycle.assembly_top_k,
            votes_per_attendee=VOTES_EACH, district_features=FEATURES[code],
        )
        for r in ref["users"]["residents"][:3]:
            services.attendee_register(assembly=a, user=r)
    return list(Assembly.objects.all())
