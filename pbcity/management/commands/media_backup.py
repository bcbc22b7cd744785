"""Copy every uploaded file (media folder or S3 bucket) into a tar archive; record their hashes in a manifest."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand

from pbcity.filestore import archive_write


class Command(BaseCommand):
    help = "Archive every stored upload (MEDIA_ROOT or the S3 bucket) as a tar file, for scripts/backup.sh."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the tar archive to write")
        parser.add_argument("--manifest", help="a manifest (manage.py backup_manifest) whose files to fill in")

    def handle(self, *args, **options):
        hashes = archive_write(out=Path(options["out"]))
        if options["manifest"]:
            # The hashes of the archived bytes themselves: restore is checked against what the backup holds.
            path = Path(options["manifest"])
            data = json.loads(path.read_text(encoding="utf-8"))
            data["files"] = hashes
            path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        self.stdout.write(f"{len(hashes)} files archived")
