"""`manage.py evaluation_report --cycle 2026 [--period vote|2027Q1]`: build a report in-process (once)."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluation import services
from pbcity.models import Cycle


class Command(BaseCommand):
    help = "Build a cycle's evaluation report for a period (a period already built is left as it is)."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="The cycle's year.")
        parser.add_argument("--period", default="vote", help="vote (after the vote) or a quarter such as 2027Q1.")

    def handle(self, *args, **options):
        cycle = Cycle.objects.filter(year=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"no cycle {options['cycle']}")
        try:
            report = services.report_make(cycle=cycle, period=options["period"].strip())
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(f"{cycle.year} {report.period}: built {report.built_at:%Y-%m-%d %H:%M}")
