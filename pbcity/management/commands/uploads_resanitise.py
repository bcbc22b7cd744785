"""Run every stored upload through pbcity.uploads.upload_sanitise again (files stored before it existed).

Dry run by default: prints what would change. `--apply` replaces each file's bytes with the rebuilt ones
under the same storage name. Files the sanitiser would refuse (encrypted PDFs, damaged images) are only
listed: deleting someone's evidence is a decision for staff, not for a script.
"""
from collections import Counter

from django.core.management.base import BaseCommand

from pbcity.uploads import UPLOAD_FIELDS, stored_upload_resanitise


class Command(BaseCommand):
    help = "Sanitise stored uploads again (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="replace the stored files (default: report only)")

    def handle(self, *args, apply=False, **options):
        totals = Counter()
        for model, field, allowed in UPLOAD_FIELDS:
            label = f"{model._meta.label}.{field}"
            for row in model.objects.exclude(**{field: ""}).only("pk", field).iterator():
                outcome = stored_upload_resanitise(fieldfile=getattr(row, field), allowed=allowed, apply=apply)
                totals[outcome.split(":")[0]] += 1
                if outcome != "clean":
                    self.stdout.write(f"{label} #{row.pk} {getattr(row, field).name}: {outcome}")
        summary = ", ".join(f"{n} {what}" for what, n in sorted(totals.items())) or "no stored uploads"
        self.stdout.write(("Applied: " if apply else "Dry run: ") + summary)
