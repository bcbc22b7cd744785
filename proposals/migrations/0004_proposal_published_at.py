"""Visibility by "was it ever published", not by the current state (docs/decisions.md, "Who sees a proposal")."""
from django.db import migrations, models
from django.db.models import Case, F, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    # Published = raised at some point: the time of its raise_proposal transition. A withdrawn
    # proposal without one was withdrawn as a draft and stays private.
    Proposal = apps.get_model("proposals", "Proposal")
    TransitionLog = apps.get_model("proposals", "TransitionLog")
    raised = (TransitionLog.objects.filter(proposal=OuterRef("pk"), transition="raise_proposal")
              .values("proposal").annotate(at=Min("created_at")).values("at")[:1])
    Proposal.objects.update(published_at=Coalesce(
        Subquery(raised),
        Case(When(~Q(state__in=["draft", "withdrawn"]), then=F("created_at"))),
    ))


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0003_newest_first_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='published on'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'draft'), _negated=True), ('published_at__isnull', True), _connector='OR'), name='proposal_draft_unpublished'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['draft', 'withdrawn']), ('published_at__isnull', False), _connector='OR'), name='proposal_raised_published'),
        ),
    ]
