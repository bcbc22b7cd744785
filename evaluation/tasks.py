"""Celery tasks: build a cycle's evaluation report, and the beat that queues the reports that are due."""
from celery import shared_task
from django.utils import timezone

from pbcity.models import Cycle
from pbcity.tasks import RETRY_POLICY, enqueue

from . import services
from .models import PERIOD_AFTER_VOTE, EvaluationReport


# acks_late (settings): a worker killed mid-build leaves the message to be delivered again; the claim row
# and its lock make the second attempt finish the first one's work instead of building a second report.
@shared_task(bind=True, **RETRY_POLICY)
def build_report(self, cycle_id: int, period: str) -> int:
    return services.report_make(cycle=Cycle.objects.get(pk=cycle_id), period=period).pk


def reports_due(*, today=None) -> list[tuple[int, str]]:
    """(cycle id, period) of every report owed and not built: after the vote, once every round of the
    cycle is counted; then each quarter that ended since, while the cycle has projects in execution."""
    from tracking.models import Project
    from voting.models import Round

    today = today or timezone.localdate()
    due = []
    built = set(EvaluationReport.objects.values_list("cycle_id", "period"))
    for cycle in Cycle.objects.all():
        rounds = Round.objects.filter(cycle=cycle)
        counted = rounds.exists() and not rounds.exclude(status=Round.Status.TALLIED).exists()
        if not counted:
            continue
        if (cycle.pk, PERIOD_AFTER_VOTE) not in built:
            due.append((cycle.pk, PERIOD_AFTER_VOTE))
            continue
        quarter = services.last_quarter(today)
        last_close = max(r.closed_at or r.closes_at for r in rounds)
        if (services.quarter_of(timezone.localdate(last_close)) <= quarter
                and Project.objects.filter(proposal__cycle=cycle).exists()
                and (cycle.pk, quarter) not in built):
            due.append((cycle.pk, quarter))
    return due


@shared_task(bind=True, **RETRY_POLICY)
def reports_start(self) -> int:
    """Beat, daily: queue each report that is due (see reports_due); building twice is refused by the claim."""
    due = reports_due()
    for cycle_id, period in due:
        enqueue("evaluation.tasks.build_report", cycle_id, period)
    return len(due)
