"""Tracking's records refuse UPDATE, DELETE and TRUNCATE on PostgreSQL (docs/decisions.md, "Tracking")."""
from django.db import migrations

from pbcity.dbguards import append_only


class Migration(migrations.Migration):
    dependencies = [("tracking", "0001_initial")]

    operations = [
        append_only(
            "tracking_budgetfigure", "tracking_councildecision", "tracking_evidence", "tracking_difficultyrecord",
            "tracking_finalreport", "tracking_finalreportphoto", "tracking_historicalmilestone",
            "tracking_historicalproject",
        ),
    ]
