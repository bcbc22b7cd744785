"""Walk every round's board chain and report the first broken link (exit status 1 if any)."""
from django.core.management.base import BaseCommand, CommandError

from voting.models import Round
from voting.services.board import board_verify


class Command(BaseCommand):
    help = "Verify the ballot boards' hash chains; name the first broken link of each round."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="Only this round (id).")

    def handle(self, *args, **opts):
        rounds = Round.objects.exclude(status=Round.Status.DRAFT).select_related("district", "cycle")
        if opts.get("round"):
            rounds = rounds.filter(pk=opts["round"])
        broken = 0
        for r in rounds.order_by("pk"):
            found = board_verify(round_=r)
            label = f"round {r.pk} ({r.cycle.year} {r.district.code}, {r.status})"
            if found is None:
                size = r.board_size if r.board_size is not None else r.seals.count()
                self.stdout.write(f"OK {label}: {size} ballots, head {r.board_head or '(open)'}")
            else:
                broken += 1
                self.stdout.write(f"BROKEN {label}: first broken link at {found}")
        if broken:
            raise CommandError(f"{broken} board(s) do not verify")
