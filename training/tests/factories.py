"""Factories for training. Card holders earn their cards through real attendance and services."""
import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, give_role, staff
from training import services
from training.models import Course, Session
from training.models.cards import THRESHOLDS, CardLevel


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"參與式預算推廣課程 {n}")
    kind = Course.Kind.PROMOTION_369
    hours = Decimal("3")
    counts_toward_cards = True


def trainer_user(**kwargs):
    return staff(Role.TRAINER, **kwargs)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session that started an hour ago and ends in two hours: open to register and to check in."""

    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    place = "大安區公所 3 樓大禮堂"
    trainer = factory.LazyFunction(trainer_user)
    capacity = 30


def attended(user, hours, *, course_hours=None, trainer=None) -> Session:
    """Credit `user` with `hours` in a fresh session, through the attendance service."""
    hours = Decimal(str(hours))
    course = CourseFactory(hours=course_hours or max(hours, Decimal("0.5")))
    session = SessionFactory(course=course, **({"trainer": trainer} if trainer else {}))
    services.attendance_record(actor=session.trainer, session=session, user=user, hours=hours)
    return session


def card_holder(level="deliberation", **user_kwargs):
    """A user whose highest valid card is `level`, earned through real attendance records."""
    user = UserFactory(**user_kwargs)
    attended(user, THRESHOLDS[CardLevel(level)])
    return user


def expert(**kwargs):
    from training.models import Expert, ExpertField

    fields = kwargs.pop("fields", ["都市規劃"])
    e = Expert.objects.create(
        name=kwargs.pop("name", "陳教授"), affiliation=kwargs.pop("affiliation", "國立臺灣大學"), **kwargs
    )
    e.fields.set([ExpertField.objects.get_or_create(name=f)[0] for f in fields])
    return e


__all__ = ["CourseFactory", "SessionFactory", "attended", "card_holder", "expert", "give_role", "trainer_user"]
