"""Delete a cycle's network hashes once its evaluation is published (docs/security.md,
"Mobilisation flags and ballot secrecy")."""
from django.core.management.base import BaseCommand, CommandError

from mobilisation.services import mobilisation_forget_networks
from pbcity.models import Cycle


class Command(BaseCommand):
    help = "Delete the network hashes kept for a cycle's mobilisation flags (after its evaluation is published)."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="the cycle's year")

    def handle(self, *args, cycle, **options):
        c = Cycle.objects.filter(year=cycle).first()
        if c is None:
            raise CommandError(f"No cycle {cycle}.")
        n = mobilisation_forget_networks(cycle=c, by=None)
        self.stdout.write(f"{n} network hashes deleted for cycle {cycle}.")
