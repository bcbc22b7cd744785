"""Proposers follow their proposals (issue 18): the rows for proposals raised before following existed."""
from django.db import migrations


def forwards(apps, schema_editor):
    ProposalProposer = apps.get_model("proposals", "ProposalProposer")
    Follow = apps.get_model("pbcity", "Follow")
    pairs = set(ProposalProposer.objects.filter(user__isnull=False).values_list("user_id", "proposal_id"))
    existing = set(Follow.objects.filter(target_kind="proposal").values_list("user_id", "target_id"))
    Follow.objects.bulk_create([Follow(user_id=u, target_kind="proposal", target_id=p)
                                for u, p in sorted(pairs - existing)], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_proposal_published_at"),
        ("pbcity", "0012_notification_follows_preferences_digest"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
