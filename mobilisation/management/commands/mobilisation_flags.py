"""Compute the mobilisation flags of an assembly or a round now (as the task does)."""
from django.core.management.base import BaseCommand, CommandError

from assemblies.models import Assembly
from mobilisation.services import assembly_flags_compute, round_flags_compute
from voting.models import Round


class Command(BaseCommand):
    help = "Compute the mobilisation flags of one assembly or one i-Voting round."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--assembly", type=int)
        group.add_argument("--round", type=int)

    def handle(self, *args, assembly=None, round=None, **options):  # noqa: A002 - the option's name
        if assembly:
            target = Assembly.objects.filter(pk=assembly).first()
            flags = assembly_flags_compute(assembly=target) if target else None
        else:
            target = Round.objects.filter(pk=round).first()
            flags = round_flags_compute(round_=target) if target else None
        if flags is None:
            raise CommandError("No such assembly or round.")
        self.stdout.write(f"{len(flags)} flags hold.")
