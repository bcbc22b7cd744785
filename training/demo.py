"""Demo training data: courses, sessions, attendance and card holders at every level in every district.

Idempotent and quick: users, e-mail addresses and attendance are bulk-created only when missing;
cards come from the same rule the attendance service applies (`services.cards_sync_quietly`).
"""
import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pbcity.demo import demo_password_hash
from pbcity.models import User

from . import services
from .models import Attendance, Consultation, ConsultationSlot, Course, Expert, ExpertField, Registration, Session

COURSES = [
    # code, title, kind, hours, counts, description
    ("369-intro", "參與式預算入門：從一個想法到一件提案", "promotion_369", "3", True,
     "認識臺北市參與式預算的流程：住民大會、提案審議工作坊、公開展覽與 i-Voting。"),
    ("369-deliberation", "審議民主與公共討論", "promotion_369", "3", True,
     "什麼是審議？如何在小組中傾聽、提問、形成共識。"),
    ("369-practice", "提案撰寫與預算試算實作", "promotion_369", "3", True,
     "把社區的問題寫成一份看得懂、做得到的提案計畫書。"),
    ("host-training", "主持人與桌長培訓", "host_training", "3", True,
     "住民大會與工作坊的桌長、記錄、主持技巧與中立原則。"),
    ("campus-pb", "校園參與式預算：學生提案工作坊", "campus", "2", True,
     "配合 108 課綱，帶學生從校園出發練習提案與討論。"),
    ("online-intro", "線上課程：參與式預算一小時看懂", "promotion_369", "1.5", True,
     "線上直播，適合無法到場的市民。"),
    ("civil-servant", "公務員參與式預算培訓", "civil_servant", "6", False,
     "各局處與區公所承辦人員的種子培訓；與學者、參與預算組委員對話。"),
]
# Which past courses each level's demo citizens attended (3 hours each).
LEVEL_COURSES = {"basic": ["369-intro"], "advanced": ["369-intro", "369-deliberation"],
                 "deliberation": ["369-intro", "369-deliberation", "host-training"]}
# Per district: citizen number → level. 7 basic, 3 advanced, 5 deliberation (enough for a panel draw
# and for hosts, table leads and recorders at every assembly).
LEVELS = ["basic"] * 7 + ["advanced"] * 3 + ["deliberation"] * 5
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = ["怡君", "志明", "淑芬", "俊傑", "雅婷", "家豪", "佩君", "冠宇", "美玲", "建宏", "欣怡", "宗翰", "婉婷", "文彬", "秀英"]
EXPERTS = [
    ("陳明德", "國立臺灣大學建築與城鄉研究所", ["都市規劃", "社區營造"], "mdchen@ntu.example.edu.tw"),
    ("林佳蓉", "國立政治大學公共行政學系", ["審議民主", "公共行政"], "jrlin@nccu.example.edu.tw"),
    ("黃志遠", "國立臺北科技大學土木工程系", ["交通工程", "道路設計"], "cyhuang@ntut.example.edu.tw"),
    ("吳秋月", "臺北市立大學社會暨公共事務學系", ["社會福利", "長期照顧"], "cywu@utaipei.example.edu.tw"),
    ("張文華", "國立臺灣師範大學公民教育與活動領導學系", ["公民教育", "審議民主"], "whchang@ntnu.example.edu.tw"),
    ("李建志", "中華民國景觀學會", ["景觀設計", "公園綠地"], "jclee@landscape.example.org.tw"),
    ("許雅惠", "臺灣無障礙協會", ["無障礙環境", "通用設計"], "yhhsu@access.example.org.tw"),
    ("鄭國強", "國立臺北大學財政學系", ["公共預算", "財政"], "kcjeng@ntpu.example.edu.tw"),
]


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _courses() -> dict:
    out = {}
    for code, title, kind, hours, counts, desc in COURSES:
        out[code], _ = Course.objects.get_or_create(
            code=code, defaults={"title": title, "kind": kind, "hours": Decimal(hours),
                                 "counts_toward_cards": counts, "description": desc},
        )
    return out


def _citizens(districts) -> dict:
    """~15 demo citizens per district, created in bulk when missing."""
    emails = {f"citizen-{code}-{n}@demo.pbcity.tw": (code, n) for code in districts for n in range(1, len(LEVELS) + 1)}
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    if len(existing) < len(emails):
        password = demo_password_hash()  # one hash for all: hashing 180 times would take seconds
        new = []
        for i, (email, (code, n)) in enumerate(emails.items()):
            if email in existing:
                continue
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7 + n) % len(GIVEN)]
            birth = datetime.date(1950 + (i * 3) % 58, 1 + i % 12, 1 + i % 28)
            new.append(User(email=email, name=name, password=password, home_district=districts[code], birth_date=birth))
        User.objects.bulk_create(new)
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    have = set(EmailAddress.objects.filter(email__in=emails).values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=e, verified=True, primary=True) for e, u in users.items() if e not in have]
    )
    out: dict = {code: {} for code in districts}
    for email, (code, n) in emails.items():
        out[code][n] = users[email]
    return out


def _past_sessions(courses, districts, trainer) -> dict:
    """One held session per district for each card course, early in the year."""
    out = {}
    year = timezone.localdate().year
    for d_index, (code, district) in enumerate(districts.items()):
        for c_index, course_code in enumerate(["369-intro", "369-deliberation", "host-training"]):
            start = timezone.make_aware(datetime.datetime(year, 1 + c_index, 5 + d_index, 14))
            out[(code, course_code)], _ = Session.objects.get_or_create(
                course=courses[course_code], district=district, starts_at=start,
                defaults={"ends_at": start + datetime.timedelta(hours=3), "trainer": trainer, "capacity": 40,
                          "place": f"{district.name}公所 大禮堂"},
            )
    return out


def _attendance(citizens, past, trainer) -> list:
    wanted = {}
    for code, people in citizens.items():
        for n, user in people.items():
            for course_code in LEVEL_COURSES[LEVELS[n - 1]]:
                session = past[(code, course_code)]
                wanted[(session.pk, user.pk)] = (session, user)
    have = set(Attendance.objects.filter(session__in={s for s, _ in wanted.values()}).values_list("session_id", "user_id"))
    missing = [Attendance(session=s, user=u, hours=s.course.hours, recorded_by=trainer)
               for key, (s, u) in wanted.items() if key not in have]
    if missing:
        bulk_create_with_history(missing, Attendance, default_user=trainer, default_change_reason="Demo data")
    return [u for people in citizens.values() for u in people.values()]


def _upcoming(courses, districts, trainer) -> list:
    plan = [  # course, district code or None (online), days ahead, hour, capacity
        ("369-intro", "daan", 7, 14, 30), ("369-intro", "wanhua", 9, 19, 25), ("369-deliberation", "xinyi", 12, 14, 30),
        ("369-practice", "neihu", 14, 9, 20), ("host-training", "zhongzheng", 16, 13, 16), ("campus-pb", "wenshan", 18, 10, 40),
        ("online-intro", None, 5, 20, 100), ("369-practice", "beitou", 21, 14, 2), ("civil-servant", "zhongzheng", 10, 9, 30),
        ("369-deliberation", "shilin", 25, 19, 30),
    ]
    out = []
    for course_code, dcode, days, hour, cap in plan:
        district = districts.get(dcode) if dcode else None
        place = f"{district.name}公所 會議室" if district else ""
        session, _ = Session.objects.get_or_create(
            course=courses[course_code], district=district, place=place, starts_at__gt=timezone.now(),
            defaults={"starts_at": _at(days, hour), "ends_at": _at(days, hour) + datetime.timedelta(
                hours=float(courses[course_code].hours)), "trainer": trainer, "capacity": cap,
                "online_url": "" if district else "https://meet.demo.pbcity.tw/369-online"},
        )
        out.append(session)
    return out


def _registrations(upcoming, residents) -> None:
    for i, resident in enumerate(residents[:6]):
        session = upcoming[i % len(upcoming)]
        if not Registration.objects.filter(session=session, user=resident).exists():
            services.session_register(session=session, user=resident)


def _experts() -> list:
    out = []
    for name, affiliation, fields, email in EXPERTS:
        expert, created = Expert.objects.get_or_create(name=name, defaults={"affiliation": affiliation, "email": email})
        if created:
            expert.fields.set([ExpertField.objects.get_or_create(name=f)[0] for f in fields])
        out.append(expert)
    return out


def _slots(districts, residents) -> None:
    for i, (code, district) in enumerate(districts.items()):
        if ConsultationSlot.objects.filter(district=district, starts_at__gt=timezone.now()).exists():
            continue
        ConsultationSlot.objects.bulk_create([
            ConsultationSlot(district=district, starts_at=_at(3 + i % 5, 10), ends_at=_at(3 + i % 5, 11),
                             place=f"{district.name}公所 1 樓專案諮詢櫃檯"),
            ConsultationSlot(district=district, starts_at=_at(4 + i % 5, 19), ends_at=_at(4 + i % 5, 20),
                             online_url=f"https://meet.demo.pbcity.tw/desk-{code}"),
        ])
    if residents and not Consultation.objects.filter(resident=residents[0]).exists():
        home = residents[0].home_district or next(iter(districts.values()))
        slot = ConsultationSlot.objects.filter(district=home, starts_at__gt=timezone.now()).first()
        if slot is not None:
            services.consultation_book(resident=residents[0], slot=slot, topic="想在社區公園加裝遮陽棚，不知道怎麼寫計畫書。")


def seed(ref) -> dict:
    districts, users = ref["districts"], ref["users"]
    trainer = users["trainer"]
    courses = _courses()
    citizens = _citizens(districts)
    past = _past_sessions(courses, districts, trainer)
    holders = _attendance(citizens, past, trainer)
    services.cards_sync_quietly(holders=holders, actor=trainer)
    upcoming = _upcoming(courses, districts, trainer)
    _registrations(upcoming, users.get("residents", []))
    experts = _experts()
    _slots(districts, users.get("residents", []))
    return {"courses": courses, "citizens": citizens, "sessions": upcoming, "experts": experts}
