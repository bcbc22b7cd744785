"""`manage.py population_import --year 2025 FILE.csv`: replace a year's population table (civil affairs' data)."""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluation import services


class Command(BaseCommand):
    help = "Import residents per district and age band for a year (columns: district, age_band, people)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        try:
            record = services.population_import(year=options["year"], text=text, source_name=path.name, actor=None)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(f"{record.year}: {record.rows} rows, {record.residents} residents imported.")
