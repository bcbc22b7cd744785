"""The voting app's hooks for the scheduled verification (pbcity/audit/invariants.py, from VotingConfig.ready).

- busy: while a round is open, the audit chain is witnessed and both verifiers run every few minutes;
- verifier "ballots": each non-draft round's board through `board_verify` (the `ballots_verify` command's
  function), a broken board naming its round so the round's board page carries the notice.
"""
from pbcity.audit import invariants
from pbcity.audit.invariants import Problem


@invariants.busy("voting.round_open")
def round_open() -> bool:
    from .models import Round

    return Round.objects.filter(status=Round.Status.OPEN).exists()


@invariants.verifier("ballots")
def boards_verify():
    from .models import Round
    from .services.board import board_verify

    for r in Round.objects.exclude(status=Round.Status.DRAFT).order_by("pk"):
        found = board_verify(round_=r)
        if found is not None:
            yield Problem(ref=f"voting.round:{r.pk}", subject=f"voting.round:{r.pk}",
                          detail=f"round {r.pk}: the board does not verify, first broken link at {found}")
