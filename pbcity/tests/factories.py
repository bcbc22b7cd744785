import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from pbcity.models import Agency, Cycle, CyclePhase, District, RoleAssignment, User
from pbcity.roles import Role

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"d{n}")
    name = factory.Sequence(lambda n: f"第{n}區")
    name_en = factory.Sequence(lambda n: f"District {n}")
    eligible_population = 100000


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency{n}")
    name = factory.Sequence(lambda n: f"第{n}局")
    name_en = factory.Sequence(lambda n: f"Bureau {n}")


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ("year",)
        skip_postgeneration_save = True

    year = 2026
    name = factory.LazyAttribute(lambda o: f"{o.year} 年參與式預算")
    name_en = factory.LazyAttribute(lambda o: f"Participatory Budgeting {o.year}")

    @factory.post_generation
    def phases(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for i, phase in enumerate(CyclePhase.Phase):
            start = datetime.date(obj.year, 1, 1) + datetime.timedelta(days=40 * i)
            CyclePhase.objects.get_or_create(
                cycle=obj, phase=phase, defaults={"starts_on": start, "ends_on": start + datetime.timedelta(days=39)}
            )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.tw")
    name = factory.Sequence(lambda n: f"市民{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


def give_role(user, role: Role, *, district=None, agency=None, mfa=True) -> User:
    RoleAssignment.objects.create(user=user, role=role, district=district, agency=agency)
    if mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    # Predicates cache roles and MFA on the user object; start fresh.
    for attr in ("_pb_roles", "_pb_mfa", "_pb_has_roles"):
        user.__dict__.pop(attr, None)
    return user


def staff(role: Role, *, district=None, agency=None, mfa=True) -> User:
    return give_role(UserFactory(), role, district=district, agency=agency, mfa=mfa)
