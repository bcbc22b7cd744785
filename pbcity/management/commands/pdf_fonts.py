"""Build the CJK font cut for batches of PDFs (pbcity/pdf.py) before the workers need it: at deployment."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pbcity.pdf import cjk_subset_path


class Command(BaseCommand):
    help = "Build (once) the cut Noto Sans CJK TC that quarterly reports use, in PDF_FONT_CACHE_DIR."

    def handle(self, *args, **options):
        started = time.perf_counter()
        path = cjk_subset_path()
        if path is None:
            raise CommandError(f"no cut font in {settings.PDF_FONT_CACHE_DIR}: is Noto Sans CJK TC installed "
                               "(fonts-noto-cjk) and the folder writable? PDFs use the full font meanwhile.")
        self.stdout.write(f"{path} ({path.stat().st_size / 2**20:.1f} MiB, {time.perf_counter() - started:.1f} s)")
