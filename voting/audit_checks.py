"""The voting app's hooks for the scheduled verification (pbcity/audit/invariants.py, from VotingConfig.ready).

- busy: while a round is open, the audit chain is witnessed and both verifiers run every few minutes;
- verifier "ballots": every check of `ballots_verify` (the command's function) on each non-draft round —
  the ballot box's ciphertext chain during the vote, the board after opening, the counts and that every
  voter's verification is on the chain — a failure naming its round so its board page carries the notice.
"""
from pbcity.audit import invariants
from pbcity.audit.invariants import Problem


@invariants.busy("voting.round_open")
def round_open() -> bool:
    from .models import Round

    return Round.objects.filter(status=Round.Status.OPEN).exists()


@invariants.verifier("ballots")
def boards_verify():
    from .services.board import ballots_verify

    for check in ballots_verify():
        if not check.ok:
            r = check.round
            yield Problem(ref=f"voting.round:{r.pk}", subject=f"voting.round:{r.pk}",
                          detail=f"round {r.pk}: " + "; ".join(check.problems()))
