"""Write the manifest of this database and media folder (row counts, file hashes, audit head) as JSON."""
import json

from django.core.management.base import BaseCommand

from pbcity.backup import manifest


class Command(BaseCommand):
    help = "Describe the live system for a backup: row counts, uploaded files' SHA-256, the audit chain's head."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--without-files", action="store_true",
                            help="leave the files' hashes to manage.py media_backup (read each file once)")

    def handle(self, *args, **options):
        data = manifest(files=not options["without_files"])
        with open(options["out"], "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        self.stdout.write(f"{sum(data['tables'].values())} rows in {len(data['tables'])} tables, "
                          f"{len(data['files'])} files, audit head {data['audit']['position']}")
