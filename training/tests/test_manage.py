"""Scheduling pages: sessions (civil affairs) and consultation slots (district office)."""
import pytest
from django.urls import reverse

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from training.models import ConsultationSlot, Session
from training.tests.factories import CourseFactory, trainer_user

pytestmark = pytest.mark.django_db


def test_civil_affairs_schedules_a_session(client, civil_staff, district):
    course, trainer = CourseFactory(), trainer_user()
    client.force_login(civil_staff)
    data = {"course": course.pk, "starts_at": "2030-03-01T14:00", "ends_at": "2030-03-01T17:00",
            "district": district.pk, "place": "大安區公所", "online_url": "", "trainer": trainer.pk, "capacity": 25}
    r = client.post(reverse("training:session_new"), data)
    assert r.status_code == 302
    assert Session.objects.get(course=course).capacity == 25


def test_session_form_explains_errors_and_keeps_input(client, civil_staff):
    course, trainer = CourseFactory(), trainer_user()
    client.force_login(civil_staff)
    data = {"course": course.pk, "starts_at": "2030-03-01T14:00", "ends_at": "2030-03-01T13:00",
            "place": "", "online_url": "", "trainer": trainer.pk, "capacity": 25}
    r = client.post(reverse("training:session_new"), data)
    html = r.content.decode()
    assert r.status_code == 400
    assert "結束時間必須晚於開始時間" in html and "請填寫地點或線上連結" in html
    assert 'value="2030-03-01T14:00"' in html
    assert not Session.objects.exists()


def test_only_civil_affairs_schedules(client):
    client.force_login(staff(Role.TRAINER))
    assert client.get(reverse("training:session_new")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("training:session_new")).status_code == 403


def test_district_office_opens_a_slot_for_its_own_district_only(client, district, other_district, district_staff):
    client.force_login(district_staff)
    data = {"district": district.pk, "starts_at": "2030-03-02T10:00", "ends_at": "2030-03-02T11:00",
            "place": "", "online_url": "https://meet.example.tw/desk"}
    assert client.post(reverse("training:slot_new"), data).status_code == 302
    assert ConsultationSlot.objects.get().online_url == "https://meet.example.tw/desk"
    r = client.post(reverse("training:slot_new"), {**data, "district": other_district.pk})
    assert r.status_code == 400 and ConsultationSlot.objects.count() == 1
    client.force_login(UserFactory())
    assert client.get(reverse("training:slot_new")).status_code == 403
