"""Compare the restored system with the backup's manifest; exit status 1 on any difference."""
import json

from django.core.management.base import BaseCommand, CommandError

from pbcity.backup import differences, manifest


class Command(BaseCommand):
    help = "Check a restore against the backup's manifest: row counts, files, audit chain."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", required=True)

    def handle(self, *args, **options):
        with open(options["manifest"], encoding="utf-8") as f:
            expected = json.load(f)
        actual = manifest()
        problems = differences(expected, actual)
        if not actual["audit"]["ok"]:
            problems.append("the restored audit chain does not verify (run manage.py audit_verify)")
        if problems:
            raise CommandError("restore differs from the backup:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS(
            f"restore matches the backup: {len(expected['tables'])} tables, {len(expected['files'])} files, "
            f"audit chain verifies up to position {actual['audit']['position']}"))
