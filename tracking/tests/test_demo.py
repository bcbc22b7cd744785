import pytest
from django.core.management import call_command

from pbcity.models import AuditEntry
from tracking.models import (
    BudgetFigure,
    CouncilDecision,
    Difficulty,
    Evidence,
    FinalReport,
    Milestone,
    Project,
    QuarterlyReport,
)


@pytest.mark.django_db
def test_demo_has_projects_in_every_execution_state_and_is_idempotent(demo_city):
    states = set(Project.objects.values_list("proposal__state", flat=True))
    assert {"direct_execution", "budgeting", "in_execution", "completed", "closed_early"} <= states
    assert Milestone.objects.exists() and Evidence.objects.exists() and BudgetFigure.objects.exists()
    assert CouncilDecision.objects.exists() and Difficulty.objects.exists() and FinalReport.objects.exists()
    sent = QuarterlyReport.objects.filter(status="sent")
    assert set(sent.values_list("quarter", flat=True)) >= {"2026Q2", "2026Q3"}
    # Issue 22: a pending change; a disputed change and a closure the proposers agreed to, both decided at the
    # held PB group meeting (accountability's demo: the closure approved, the dispute approved and applied); the
    # lifecycle demo's early closure through consent and a meeting's approval; questions, an orphan flag, a contact.
    from proposals.models import OrphanFlag, ProposalContact
    from tracking.models import ChangeAnswer, ChangeRequest, CouncillorQuestion

    assert set(ChangeRequest.objects.values_list("status", flat=True)) >= {"pending", "applied"}
    assert ChangeRequest.objects.filter(kind="milestone", answers__agrees=False, status="applied").exists()
    for closed in Project.objects.filter(proposal__state="closed_early"):  # only through consent and approval
        assert closed.change_requests.get(kind="close").status == "applied"
    assert CouncillorQuestion.objects.filter(answer__isnull=False).exists()
    assert CouncillorQuestion.objects.filter(answer__isnull=True).exists()
    assert ProposalContact.objects.exists() and OrphanFlag.objects.filter(resolved_at__isnull=False).exists()
    models = (Project, Milestone, Evidence, BudgetFigure, QuarterlyReport, ChangeRequest, ChangeAnswer,
              CouncillorQuestion, OrphanFlag, ProposalContact)
    counts = [m.objects.count() for m in models]
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert [m.objects.count() for m in models] == counts
    assert not AuditEntry.objects.filter(pk__gt=last, table__startswith="tracking.").exists()
