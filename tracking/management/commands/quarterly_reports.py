"""Run the quarterly report job in-process (no broker needed): `manage.py quarterly_reports --quarter 2026Q4`."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracking import reports, rules


class Command(BaseCommand):
    help = "Build and send the quarterly progress reports of every active project (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="The quarter reported on, e.g. 2026Q4 (default: the one just ended).")

    def handle(self, *args, **options):
        quarter = (options.get("quarter") or rules.quarter_reported_on(timezone.localdate())).upper()
        try:
            rules.parse_quarter(quarter)
        except ValueError as exc:
            raise CommandError(str(exc))
        done = reports.quarter_run(quarter=quarter)
        self.stdout.write(f"{quarter}: {len(done)} reports built and sent (reports already sent were skipped).")
