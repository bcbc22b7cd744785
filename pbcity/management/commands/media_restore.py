"""Put the files of a backup's tar archive back into the storage (media folder or S3 bucket)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pbcity.filestore import archive_restore


class Command(BaseCommand):
    help = "Restore the uploads of a backup (media.tar) into MEDIA_ROOT or the S3 bucket, for scripts/restore.sh."

    def add_arguments(self, parser):
        parser.add_argument("--archive", required=True)

    def handle(self, *args, **options):
        try:
            count = archive_restore(archive=Path(options["archive"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} files restored")
