"""The key ceremony of one round's ballot box: a fresh key pair, the private key split into shares.

Run it on an operator's machine in front of the committee, not on a web or worker host: it prints the
public key (load it into the round: the round's manage page or `--round` with DATABASE_URL set) and
one share per key holder. The private key is never written anywhere; any QUORUM of the shares opens
the box after close (`manage.py ballot_box_open`, or the committee's "open the ballot box" page).
"""
from django.core.management.base import BaseCommand, CommandError

from voting.services.ballot_box import fingerprint, round_keys_generate


class Command(BaseCommand):
    help = "Generate a round's ballot-box key pair; print the public key and one key share per holder."

    def add_arguments(self, parser):
        parser.add_argument("--holders", type=int, default=5, help="number of key holders (shares), default 5")
        parser.add_argument("--quorum", type=int, default=3, help="shares needed to open the box, default 3")
        parser.add_argument("--round", type=int, help="also load the public key into this draft round (id)")

    def handle(self, *args, **opts):
        try:
            public, shares = round_keys_generate(holders=opts["holders"], quorum=opts["quorum"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"public key: {public}")
        self.stdout.write(f"fingerprint: {fingerprint(public)}")
        self.stdout.write(f"any {opts['quorum']} of these {opts['holders']} shares open the box; give one to "
                          "each holder, keep no copy:")
        for i, share in enumerate(shares, start=1):
            self.stdout.write(f"holder {i}: {share}")
        if opts.get("round"):
            from voting.models import Round

            r = Round.objects.get(pk=opts["round"])
            if r.status != Round.Status.DRAFT:
                raise CommandError("the round has opened: its key is frozen")
            # The operator acts here, not a staff account: a direct update of a draft round's key column.
            Round.objects.filter(pk=r.pk, status=Round.Status.DRAFT).update(public_key=public)
            self.stdout.write(f"loaded into round {r.pk}")
