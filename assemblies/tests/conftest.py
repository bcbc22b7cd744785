import datetime

import pytest
from django.utils import timezone, translation

from assemblies import services
from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from training.tests.factories import card_holder


@pytest.fixture(autouse=True)
def services_speak_english():
    """Service messages are matched in English here; pages are checked in zh-Hant by their own tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def second_staff(district):
    return staff(Role.DISTRICT_OFFICE, district=district)


@pytest.fixture
def lead(db):
    return card_holder(name="桌長 甲")


@pytest.fixture
def recorder(db):
    return card_holder(name="記錄 乙")


@pytest.fixture
def planned(cycle, district, district_staff):
    return services.assembly_plan(
        actor=district_staff, cycle=cycle, district=district, title="大安區住民大會",
        starts_at=timezone.now() + datetime.timedelta(days=3), venue="大安區公所 10 樓禮堂",
        top_k=2, votes_per_attendee=2, district_features="大安森林公園、師大商圈",
    )


def walk_ins(assembly, actor, n):
    return [services.attendee_walk_in(assembly=assembly, actor=actor, name=f"與會者{i}", contact=f"09{i:08d}")
            for i in range(n)]


@pytest.fixture
def in_session(planned, district_staff, lead, recorder):
    """An open assembly with one table and 5 seated walk-ins."""
    services.assembly_open(assembly=planned, actor=district_staff)
    table = services.table_add(assembly=planned, actor=district_staff, number=1, lead=lead, recorder=recorder)
    people = walk_ins(planned, district_staff, 5)
    services.attendee_seat(table=table, actor=district_staff, attendees=people)
    return {"assembly": planned, "table": table, "people": people}


def record(session, recorder, title, proposers=None):
    return services.assembly_proposal_record(
        table=session["table"], actor=recorder, title=title, problem="問題描述", solution="解決方式",
        location="某處", category="parks", proposers=proposers or session["people"][:1],
    )


@pytest.fixture
def registered_user(db):
    return UserFactory(name="預先報名者")
