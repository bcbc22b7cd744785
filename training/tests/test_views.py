"""Pages: catalogue, registration, check-in, cards, verification, consultation desk, figures."""
import pytest
from django.urls import reverse

from pbcity.roles import Role
from pbcity.tests.factories import CycleFactory, UserFactory, staff
from proposals.models import Proposal
from training.models import Attendance, CitizenCard, Consultation, ConsultationSlot, Registration
from training.tests.factories import CourseFactory, SessionFactory, card_holder, expert

pytestmark = pytest.mark.django_db


def test_catalogue_and_session_pages_are_public(client):
    s = SessionFactory(course=CourseFactory(title="公民審議入門"))
    assert "公民審議入門" in client.get(reverse("training:index")).content.decode()
    assert client.get(reverse("training:course", args=[s.course.code])).status_code == 200
    assert client.get(reverse("training:session", args=[s.pk])).status_code == 200


def test_register_through_the_page(client):
    s = SessionFactory(capacity=1)
    user = UserFactory()
    client.force_login(user)
    r = client.post(reverse("training:register", args=[s.pk]))
    assert r.status_code == 302
    assert Registration.objects.get(session=s, user=user).status == "registered"
    r = client.post(reverse("training:register", args=[s.pk]))
    assert r.status_code == 400
    assert "已經報名" in r.content.decode()  # translated error, shown on the session page


def test_checkin_full_hours_issues_card(client):
    s = SessionFactory(course=CourseFactory(hours=3))
    resident = UserFactory(name="陳大文")
    Registration.objects.create(session=s, user=resident, status="registered", queued_at=s.starts_at)
    client.force_login(s.trainer)
    page = client.get(reverse("training:checkin", args=[s.pk]))
    assert "陳大文" in page.content.decode()
    r = client.post(reverse("training:checkin", args=[s.pk]), {"full": str(resident.pk)})
    assert r.status_code == 302
    assert CitizenCard.objects.get(holder=resident).level == "basic"


def test_checkin_bad_input_keeps_what_was_entered(client):
    s = SessionFactory(course=CourseFactory(hours=3))
    a, b = UserFactory(), UserFactory()
    for u in (a, b):
        Registration.objects.create(session=s, user=u, status="registered", queued_at=s.starts_at)
    client.force_login(s.trainer)
    r = client.post(reverse("training:checkin", args=[s.pk]), {f"hours-{a.pk}": "兩小時", f"hours-{b.pk}": "2"})
    html = r.content.decode()
    assert r.status_code == 400
    assert 'value="兩小時"' in html and "請以數字輸入時數" in html
    # The valid row was saved; the bad one was not.
    assert Attendance.objects.get(user=b).hours == 2 and not Attendance.objects.filter(user=a).exists()
    # A correction without a reason is refused and the entered value stays.
    r = client.post(reverse("training:checkin", args=[s.pk]), {f"hours-{b.pk}": "1.5"})
    assert r.status_code == 400 and 'value="1.5"' in r.content.decode()
    r = client.post(reverse("training:checkin", args=[s.pk]), {f"hours-{b.pk}": "1.5", f"reason-{b.pk}": "遲到"})
    assert r.status_code == 302 and Attendance.objects.get(user=b).hours == 1.5


def test_checkin_is_for_the_sessions_trainer_only(client):
    s = SessionFactory()
    client.force_login(staff(Role.TRAINER))
    assert client.get(reverse("training:checkin", args=[s.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("training:checkin", args=[s.pk])).status_code == 404


def test_walk_in_unknown_email_is_explained(client):
    s = SessionFactory()
    client.force_login(s.trainer)
    r = client.post(reverse("training:checkin", args=[s.pk]),
                    {"walkin": "1", "email": "nobody@example.tw", "hours": "1"})
    assert r.status_code == 400 and "nobody@example.tw" in r.content.decode()


def test_card_page_and_public_verification_reveal_only_name_and_level(client):
    holder = card_holder("deliberation", name="張美華", phone="0912345678")
    card = CitizenCard.objects.get(holder=holder, level="deliberation")
    client.force_login(holder)
    assert client.get(reverse("training:card", args=[card.number])).status_code == 200
    client.logout()
    assert client.get(reverse("training:card", args=[card.number])).status_code == 302  # to log in
    r = client.get(reverse("training:verify", args=[card.verification_code]))
    html = r.content.decode()
    assert r.status_code == 200 and "張美華" in html and "審議卡" in html
    assert holder.email not in html and "0912345678" not in html and card.number not in html
    assert client.get(reverse("training:verify", args=["NOSUCHCODE"])).status_code == 404
    r = client.get(reverse("training:verify_lookup"), {"code": card.verification_code.lower()})
    assert r.status_code == 302 and r.url == card.get_verify_url()


def test_other_residents_cannot_see_a_card(client):
    card = CitizenCard.objects.get(holder=card_holder("basic"))
    client.force_login(UserFactory())
    assert client.get(reverse("training:card", args=[card.number])).status_code == 404
    assert client.get(reverse("training:card_pdf", args=[card.number])).status_code == 404


def test_revoke_through_the_page(client, civil_staff):
    card = CitizenCard.objects.get(holder=card_holder("basic"))
    client.force_login(civil_staff)
    r = client.post(reverse("training:card_revoke", args=[card.number]), {"reason": ""})
    assert r.status_code == 400
    r = client.post(reverse("training:card_revoke", args=[card.number]), {"reason": "資格不符"})
    assert r.status_code == 302
    card.refresh_from_db()
    assert card.revoke_reason == "資格不符"
    verify = client.get(card.get_verify_url()).content.decode()
    assert "已撤銷" in verify


def test_personal_page_shows_hours_cards_and_upcoming(client):
    user = card_holder("advanced")
    upcoming = SessionFactory(course=CourseFactory(title="桌長培訓"))
    Registration.objects.create(session=upcoming, user=user, status="registered", queued_at=upcoming.starts_at)
    client.force_login(user)
    html = client.get(reverse("training:me")).content.decode()
    assert "6.0" in html and "進階市民卡" in html and "桌長培訓" in html


def test_expert_search_by_field(client):
    expert(name="李教授", fields=["交通規劃"])
    expert(name="王研究員", fields=["社會福利"])
    html = client.get(reverse("training:experts"), {"field": "交通規劃"}).content.decode()
    assert "李教授" in html and "王研究員" not in html


def test_consultation_booking_advice_and_draft_proposal(client, district, district_staff):
    import datetime

    from django.utils import timezone

    cycle = CycleFactory(year=2026)
    slot = ConsultationSlot.objects.create(
        district=district, starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=1, hours=1), place="大安區公所 2 樓",
    )
    resident = UserFactory(name="吳小姐")
    client.force_login(resident)
    r = client.post(reverse("training:consultation_book", args=[slot.pk]), {"topic": ""})
    assert r.status_code == 400
    assert client.post(reverse("training:consultation_book", args=[slot.pk]), {"topic": "公園遮蔭"}).status_code == 302
    other = UserFactory()
    client.force_login(other)
    r = client.post(reverse("training:consultation_book", args=[slot.pk]), {"topic": "我也要"})
    assert r.status_code == 400 and "我也要" in r.content.decode()
    c = Consultation.objects.get(slot=slot)
    client.force_login(district_staff)
    url = reverse("training:desk_detail", args=[c.pk])
    assert client.post(url, {"advice": "先到現場拍照"}).status_code == 302
    r = client.post(url, {"draft": "1", "cycle": cycle.pk, "title": "公園加裝遮陽棚", "problem": "夏天太熱",
                          "solution": "加裝遮陽棚", "category": "parks", "location": ""})
    assert r.status_code == 302
    p = Proposal.objects.get(title="公園加裝遮陽棚")
    assert p.state == "draft" and [pp.user for pp in p.proposers.all()] == [resident]
    c.refresh_from_db()
    assert c.proposal == p and c.status == "done"


def test_consultation_desk_is_for_that_district(client, district, other_district):
    import datetime

    from django.utils import timezone

    slot = ConsultationSlot.objects.create(
        district=district, starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=1, hours=1), online_url="https://meet.example.tw/x",
    )
    c = Consultation.objects.create(slot=slot, resident=UserFactory(), topic="t")
    client.force_login(staff(Role.DISTRICT_OFFICE, district=other_district))
    assert client.get(reverse("training:desk_detail", args=[c.pk])).status_code == 404


def test_figures_for_staff_only(client, civil_staff, district):
    import datetime

    card_holder("basic", home_district=district, birth_date=datetime.date(1990, 5, 1))
    card_holder("deliberation", home_district=district)
    client.force_login(UserFactory())
    assert client.get(reverse("training:figures")).status_code == 403
    client.force_login(civil_staff)
    r = client.get(reverse("training:figures"))
    assert r.status_code == 200 and "大安區" in r.content.decode()
