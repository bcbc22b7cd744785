"""`manage.py cycle_bundle --cycle YEAR --out DIR`: every public file of a cycle's decisions, with a
manifest, for `python3 DIR/tools/verify_cycle.py DIR` (docs/verification.md)."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cyclekit.services import bundle_write
from pbcity.models import Cycle


class Command(BaseCommand):
    help = "Write the cycle's decision files (assemblies, panels, rounds, .pb) and their manifest to DIR."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="the cycle's year, e.g. 2026")
        parser.add_argument("--out", required=True, help="a new or empty directory")

    def handle(self, *args, cycle, out, **options):
        c = Cycle.objects.filter(year=cycle).first()
        if c is None:
            raise CommandError(f"There is no cycle {cycle}.")
        try:
            done = bundle_write(cycle=c, out=out)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{done['files']} files written to {done['path']}\n"
                          f"manifest.json SHA-256 {done['manifest']} (publish it; verify_cycle.py prints it)\n"
                          f"check: python3 {done['path']}/tools/verify_cycle.py {done['path']}")
