"""Mobilisation flags computed by workers: every ten minutes while an assembly or a vote runs (beat), and
on demand (docs/decisions.md, "Mobilisation flags")."""
import datetime

from celery import shared_task
from django.utils import timezone

from pbcity.tasks import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def assembly_flags(assembly_id: int) -> int:
    from assemblies.models import Assembly

    from .services import assembly_flags_compute

    return len(assembly_flags_compute(assembly=Assembly.objects.get(pk=assembly_id)))


@shared_task(**RETRY_POLICY)
def round_flags(round_id: int) -> int:
    from voting.models import Round

    from .services import round_flags_compute

    return len(round_flags_compute(round_=Round.objects.get(pk=round_id)))


@shared_task(**RETRY_POLICY)
def flags_tick() -> int:
    """Queue a computation for each assembly in session or voting (or closed within a day) and each round
    open, or closed or opened within a day (its board is read once the box is opened)."""
    from assemblies.models import Assembly
    from pbcity.tasks import enqueue
    from voting.models import Round

    since = timezone.now() - datetime.timedelta(days=1)
    assemblies = Assembly.objects.filter(status__in=["open", "voting"]) | Assembly.objects.filter(
        status="closed", closed_at__gte=since)
    rounds = (Round.objects.filter(status="open") | Round.objects.filter(closes_at__gte=since)
              | Round.objects.filter(box_opened_at__gte=since)).exclude(status="draft")
    n = 0
    for pk in assemblies.values_list("pk", flat=True).distinct():
        enqueue("mobilisation.tasks.assembly_flags", pk)
        n += 1
    for pk in rounds.values_list("pk", flat=True).distinct():
        enqueue("mobilisation.tasks.round_flags", pk)
        n += 1
    return n
