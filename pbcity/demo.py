"""The base of the demo city: districts, agencies, cycles and the users of every role. portal/demo.py
builds the whole city on it, app by app. Every step is idempotent: running it twice adds nothing."""
import datetime
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from pbcity.models import Agency, Cycle, CyclePhase, District, RoleAssignment, User
from pbcity.reference import BUREAUS, DISTRICTS
from pbcity.roles import Role

DEMO_PASSWORD = "pbcity-demo-2026"
# Every demo staff account shares this TOTP secret, so a newcomer can log in with any
# authenticator app or `python manage.py demo_totp`. Never use fixed secrets outside the demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PHASES_2026 = [
    ("training", (1, 5), (3, 31)),
    ("assemblies", (3, 1), (4, 30)),
    ("pre_meeting", (5, 1), (5, 31)),
    ("workshop_1", (6, 1), (6, 20)),
    ("workshop_2", (6, 21), (7, 15)),
    ("exhibition", (7, 16), (8, 10)),
    ("voting", (8, 11), (8, 25)),
    ("budgeting", (8, 26), (12, 31)),
    ("execution", (9, 1), (12, 31)),
]


def reference_data() -> dict:
    districts = {}
    for code, name, name_en, pop in DISTRICTS:
        districts[code], _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "eligible_population": pop}
        )
        Agency.objects.update_or_create(
            code=f"{code}-office",
            defaults={"name": f"臺北市{name}公所", "name_en": f"{name_en} District Office",
                      "kind": Agency.Kind.DISTRICT_OFFICE, "district": districts[code]},
        )
    agencies = {}
    for code, name, name_en in BUREAUS:
        agencies[code], _ = Agency.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": Agency.Kind.BUREAU}
        )
    return {"districts": districts, "agencies": agencies}


def cycles() -> dict:
    out = {}
    for year, top_k in ((2025, 3), (2026, 2)):
        cycle, _ = Cycle.objects.get_or_create(
            year=year,
            defaults={"name": f"{year} 年臺北市參與式預算", "name_en": f"Taipei Participatory Budgeting {year}",
                      "assembly_top_k": top_k, "vote_threshold_value": 1000,
                      "default_admission_cap": 5, "ballot_size": 5, "panel_allowance_ntd": 120},
        )
        for phase, (m1, d1), (m2, d2) in PHASES_2026:
            CyclePhase.objects.get_or_create(
                cycle=cycle, phase=phase,
                defaults={"starts_on": datetime.date(year, m1, d1), "ends_on": datetime.date(year, m2, d2)},
            )
        out[year] = cycle
    return out


@cache
def demo_password_hash() -> str:
    """One Argon2 hash of DEMO_PASSWORD for every demo login: hashing per user costs ~30 ms each."""
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def _user(email, name, *, staff_roles=(), district=None) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, "home_district": district})
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    for role, scope in staff_roles:
        RoleAssignment.objects.get_or_create(
            user=user, role=role,
            district=scope if isinstance(scope, District) else None,
            agency=scope if isinstance(scope, Agency) else None,
        )
    if staff_roles and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def users(ref) -> dict:
    d, a = ref["districts"], ref["agencies"]
    out = {
        "admin": None,
        "civil": _user("civil@demo.pbcity.tw", "民政局 林承辦", staff_roles=[(Role.CIVIL_AFFAIRS, None)]),
        "committee": _user("committee@demo.pbcity.tw", "公參委員 陳委員", staff_roles=[(Role.COMMITTEE, None)]),
        "trainer": _user("trainer@demo.pbcity.tw", "講師 黃老師", staff_roles=[(Role.TRAINER, None)]),
        "councillor": _user(
            "councillor-daan@demo.pbcity.tw", "大安區 議員", staff_roles=[(Role.COUNCILLOR, d["daan"])]
        ),
        "district": {},
        "agency": {},
        "residents": [],
    }
    admin, created = User.objects.get_or_create(
        email="admin@demo.pbcity.tw", defaults={"name": "系統管理員", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.password = demo_password_hash()
        admin.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=admin, email=admin.email, defaults={"verified": True, "primary": True})
    # The admin is reached only through allauth with TOTP (docs/decisions.md, "Security hardening").
    if not Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(admin, DEMO_TOTP_SECRET)
    out["admin"] = admin
    for code, district in d.items():
        out["district"][code] = _user(
            f"{code}-office@demo.pbcity.tw", f"{district.name}公所 承辦",
            staff_roles=[(Role.DISTRICT_OFFICE, district)],
        )
    for code, agency in a.items():
        out["agency"][code] = _user(f"{code}@demo.pbcity.tw", f"{agency.name} 承辦", staff_roles=[(Role.AGENCY, agency)])
    names = ["王小明", "李美玲", "張志豪", "陳淑芬", "林建宏", "黃雅婷", "吳家豪", "劉怡君", "蔡宗翰", "鄭佩珊",
             "許文傑", "謝欣怡"]
    for i, name in enumerate(names):
        district = list(d.values())[i % len(d)]
        out["residents"].append(_user(f"resident{i + 1}@demo.pbcity.tw", name, district=district))
    return out
