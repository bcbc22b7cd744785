"""Open a closed round's ballot box with a quorum's key shares, one per line on standard input.

    python manage.py ballot_box_open --round 7 < shares.txt      (or type them, then Ctrl-D)

The shares are read from standard input, never from the command line (which other users of the host
can see); the rebuilt key lives only in this process. One transaction decrypts, shuffles and writes
the plaintext board, verifies it and destroys the ciphertexts (voting/services/ballot_box.py).
"""
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from voting.models import Round
from voting.services.ballot_box import ballot_box_open


class Command(BaseCommand):
    help = "Open a closed round's ballot box: key shares on standard input, one per line."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, help="the round (id)")

    def handle(self, *args, **opts):
        r = Round.objects.filter(pk=opts["round"]).first()
        if r is None:
            raise CommandError(f"no round {opts['round']}")
        stdin = getattr(self, "stdin", None) or sys.stdin
        shares = [line.strip() for line in stdin.read().splitlines() if line.strip()]
        try:
            r = ballot_box_open(round_=r, shares=shares)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"opened round {r.pk}: {r.board_size} ballots on the board, head {r.board_head}")
        self._vacuum()

    def _vacuum(self):
        """Drop the dead row versions that still hold the destroyed ciphertexts (only the owner may VACUUM)."""
        from django.db import connection

        from pbcity.dbroles import as_owner, owner_credentials

        if connection.vendor != "postgresql" or owner_credentials() is None or connection.in_atomic_block:
            self.stdout.write("run VACUUM voting_sealedballot as the owner to drop the destroyed ciphertexts' "
                              "dead row versions (autovacuum will, later)")
            return
        with as_owner(connection), connection.cursor() as cur:
            cur.execute("VACUUM voting_sealedballot")
        self.stdout.write("VACUUM voting_sealedballot: done")
