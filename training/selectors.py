"""Reads for training: hours, cards, sessions, pools and figures."""
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import Attendance, CitizenCard, Consultation, ConsultationSlot, Course, Expert, Registration, Session
from .models.cards import LEVEL_ORDER, CardLevel, level_rank

ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED)


def qualifying_hours(*, user) -> Decimal:
    """Hours credited in courses that count toward citizen cards."""
    counted = Attendance.objects.filter(user=user, session__course__counts_toward_cards=True)
    total = counted.aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0")


def cards_of(*, user):
    return CitizenCard.objects.filter(holder=user).order_by("issued_on", "id")


def card_by_code(*, code: str) -> CitizenCard | None:
    return CitizenCard.objects.select_related("holder").filter(verification_code=code.strip().upper()).first()


def course_list(*, kind: str = ""):
    qs = Course.objects.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    now = timezone.now()
    return qs.annotate(
        upcoming=Count("sessions", filter=Q(sessions__ends_at__gt=now, sessions__is_cancelled=False))
    ).order_by("kind", "code")


def sessions_open(*, course=None):
    qs = Session.objects.filter(is_cancelled=False, ends_at__gt=timezone.now()).select_related(
        "course", "district", "trainer"
    )
    if course is not None:
        qs = qs.filter(course=course)
    return qs.annotate(
        taken=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
    ).order_by("starts_at", "id")


def seats_taken(*, session) -> int:
    return session.registrations.filter(status=Registration.Status.REGISTERED).count()


def registration_of(*, session, user) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(session=session, user=user).first()


def waiting_position(*, registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        session_id=registration.session_id, status=Registration.Status.WAITLISTED
    ).filter(Q(queued_at__lt=registration.queued_at) | Q(queued_at=registration.queued_at, id__lt=registration.id))
    return ahead.count() + 1


def checkin_list(*, session) -> list[dict]:
    """Everyone registered or already credited, with their hours, for the trainer's check-in page."""
    attendance = {a.user_id: a for a in session.attendances.select_related("user")}
    rows = {}
    for reg in session.registrations.filter(status=Registration.Status.REGISTERED).select_related("user"):
        rows[reg.user_id] = {"user": reg.user, "attendance": attendance.get(reg.user_id)}
    for uid, att in attendance.items():
        rows.setdefault(uid, {"user": att.user, "attendance": att})
    return sorted(rows.values(), key=lambda r: (r["user"].name or r["user"].email))


def upcoming_for(*, user):
    return (
        Registration.objects.filter(user=user, status__in=ACTIVE, session__ends_at__gt=timezone.now())
        .select_related("session__course", "session__district")
        .order_by("session__starts_at")
    )


def attendance_of(*, user):
    return Attendance.objects.filter(user=user).select_related("session__course").order_by("session__starts_at")


def sessions_trained_by(*, user):
    return Session.objects.filter(trainer=user).select_related("course").order_by("-starts_at")


def card_pool(*, level, district=None):
    """Users whose highest valid card is exactly `level` (the review-panel pools), optionally by home district."""
    higher = [lv for lv in LEVEL_ORDER if level_rank(lv) > level_rank(CardLevel(level))]
    qs = get_user_model().objects.filter(
        citizen_cards__level=level, citizen_cards__revoked_at__isnull=True, is_active=True
    ).exclude(pk__in=CitizenCard.objects.filter(level__in=higher, revoked_at__isnull=True).values("holder_id"))
    if district is not None:
        qs = qs.filter(home_district=district)
    return qs.distinct().order_by("id")


def card_holders(*, level, district=None):
    """Users holding a valid card at `level` or higher (hosts, table leads, recorders for deliberation)."""
    levels = [lv for lv in LEVEL_ORDER if level_rank(lv) >= level_rank(CardLevel(level))]
    qs = get_user_model().objects.filter(
        citizen_cards__level__in=levels, citizen_cards__revoked_at__isnull=True, is_active=True
    )
    if district is not None:
        qs = qs.filter(home_district=district)
    return qs.distinct().order_by("id")


AGE_GROUPS = [(16, 19), (20, 29), (30, 39), (40, 49), (50, 64), (65, 200)]


def age_group(birth_date, today) -> str:
    if birth_date is None:
        return "unknown"
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    for low, high in AGE_GROUPS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}–{high}"
    return "under 16"


def figures() -> dict:
    """Holders of a valid card by highest level, and by district and age group; total hours credited."""
    highest: dict[int, str] = {}
    for holder_id, level in CitizenCard.objects.filter(revoked_at__isnull=True).values_list("holder_id", "level"):
        if holder_id not in highest or level_rank(level) > level_rank(highest[holder_id]):
            highest[holder_id] = level
    people = get_user_model().objects.filter(pk__in=highest).select_related("home_district")
    today = timezone.localdate()
    by_level = Counter(highest.values())
    by_district: dict[str, Counter] = {}
    by_age: dict[str, Counter] = {}
    for person in people:
        lv = highest[person.pk]
        name = person.home_district.display_name if person.home_district else ""
        by_district.setdefault(name, Counter())[lv] += 1
        by_age.setdefault(age_group(person.birth_date, today), Counter())[lv] += 1
    order = [str(lv) for lv in LEVEL_ORDER]
    ages = [f"{lo}–{hi}" if hi < 200 else f"{lo}+" for lo, hi in AGE_GROUPS]
    return {
        "levels": order,
        "by_level": [(lv, by_level.get(lv, 0)) for lv in order],
        "by_district": sorted((k, [c.get(lv, 0) for lv in order]) for k, c in by_district.items()),
        "by_age": [(k, [by_age[k].get(lv, 0) for lv in order]) for k in [*ages, "under 16", "unknown"] if k in by_age],
        "hours_total": Attendance.objects.aggregate(s=Sum("hours"))["s"] or Decimal("0"),
        "attendees": Attendance.objects.filter(hours__gt=0).values("user").distinct().count(),
    }


def expert_search(*, field: str = "", q: str = ""):
    qs = Expert.objects.prefetch_related("fields")
    if field:
        qs = qs.filter(fields__name=field)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(affiliation__icontains=q) | Q(fields__name__icontains=q))
    return qs.distinct()


def slots_open(*, district=None):
    qs = ConsultationSlot.objects.filter(starts_at__gt=timezone.now()).exclude(
        consultations__status__in=[Consultation.Status.BOOKED, Consultation.Status.DONE]
    ).select_related("district")
    if district is not None:
        qs = qs.filter(district=district)
    return qs


def consultations_of(*, user):
    return Consultation.objects.filter(resident=user).select_related("slot__district", "proposal")


def consultations_for_desk(*, district_ids):
    return (
        Consultation.objects.filter(slot__district_id__in=district_ids)
        .exclude(status=Consultation.Status.CANCELLED)
        .select_related("slot__district", "resident", "proposal")
        .order_by("slot__starts_at")
    )

