"""The freeze trigger lets an open round's closing time move later (round_extend), nothing else."""
from django.db import migrations

from voting.dbguards import round_guards


class Migration(migrations.Migration):

    dependencies = [
        ("voting", "0008_comment_history_report_audited"),
    ]

    operations = [round_guards()]
