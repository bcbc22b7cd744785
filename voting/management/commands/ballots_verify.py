"""Check every round's ballot box and board; name the first problem of each (exit status 1 if any).

`--heads FILE` takes heads saved outside the database (the board page's heads.txt, as many copies as
were saved during the vote and after): lines `round box|board position hash`. A consistent rewrite
of a chain by the database owner (re-sealed entries and heads) differs from a saved head.
"""
from django.core.management.base import BaseCommand, CommandError

from voting.services.board import ballots_verify, heads_parse


class Command(BaseCommand):
    help = "Verify the ballot boxes and boards (chains, saved heads, counts, who voted); exit 1 if broken."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="Only this round (id).")
        parser.add_argument("--heads", help="file of saved heads: lines 'round box|board position hash'")

    def handle(self, *args, **opts):
        heads = {}
        if opts.get("heads"):
            try:
                with open(opts["heads"], encoding="utf-8") as f:
                    heads = heads_parse(f.read())
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read the heads file: {exc}") from exc
        broken = 0
        for check in ballots_verify(round_id=opts.get("round"), heads=heads):
            r = check.round
            label = f"round {r.pk} ({r.cycle.year} {r.district.code}, {r.status})"
            given = sum(len(v) for v in heads.get(r.pk, {}).values())
            if check.ok:
                board = (f"board {r.board_size} ballots, head {r.board_head}" if r.box_opened
                         else "board not opened yet")
                box = f"box {r.box_size} sealed, head {r.box_head}" if r.box_size is not None else "box open"
                self.stdout.write(f"OK {label}: {box}; {board}; saved heads checked: {given}")
            else:
                broken += 1
                for problem in check.problems():
                    self.stdout.write(f"BROKEN {label}: {problem}")
        if broken:
            raise CommandError(f"{broken} round(s) do not verify")
