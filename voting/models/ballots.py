"""Ballots, kept apart from who cast them, and the public board's hash chain.

Storage (read by every counting rule and the pabulib export):

- `Participation(round, voter)` says that a voter has voted; UNIQUE (round, voter) is what makes a
  second ballot impossible. It holds no link to the ballot, no time, and a random UUID key.
- `Ballot(round, receipt)` is the anonymous ballot; `BallotChoice(ballot, round, proposal, value)`
  holds one row per chosen project: value 1 for approval and knapsack, the points given for points,
  and the place (1 = first) for ranking — the round's `score_vector[place - 1]` is its score.
  `round` is repeated on the choice so a tally is one GROUP BY without a join.

Both rows are written in one transaction, so a ballot exists iff its participation does; the
database alone cannot tell which voter cast which ballot (docs/decisions.md, "Voting: anonymity").

- `BallotSeal(round, position, ballot)` is the ballot's link in the round's chain (pbcity.audit.chain),
  written in batches off the hot path; `BoardHead(round, day)` keeps the chain's head per day.
"""
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Participation(models.Model):
    """Append-only: this voter has cast their ballot in this round (nothing about which one).

    Not in the platform's audit chain (pbcity.audit): its sealer takes one city-wide lock per commit,
    which would serialise election day, and its order would line participations up with ballots. The
    triggers keep it append-only; the board verifier checks there are as many ballots as participations.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="participations")
    voter = models.ForeignKey("voting.Voter", on_delete=models.PROTECT, related_name="participations")
    # sha256 of the ballot form's one-time key: a replay of the same form is recognised (and gets
    # the same receipt back) without storing the receipt next to the voter.
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="one_ballot_per_voter_per_round")]


class Ballot(models.Model):
    """Append-only: an anonymous ballot and its receipt code (the board shows both after close)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField(_("receipt"), max_length=24)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["round", "receipt"], name="ballot_receipt_unique")]


class BallotChoice(models.Model):
    """Append-only: one chosen project on a ballot and its value (see the module docstring)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choices")
    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_choice_once"),
            models.CheckConstraint(name="ballot_choice_positive", condition=Q(value__gte=1)),
        ]
        indexes = [models.Index(fields=["round", "proposal"], name="ballot_choice_round_idx")]


class BallotSeal(models.Model):
    """Append-only: a ballot's entry in its round's board chain (pbcity.audit.chain) — itself a chain,
    verified by `manage.py ballots_verify`, so it is not chained a second time by the audit trail."""

    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="seals")
    position = models.PositiveIntegerField()
    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="seal")
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "position"]
        verbose_name = _("board entry")
        verbose_name_plural = _("board entries")
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="ballot_seal_position_once"),
            models.CheckConstraint(name="ballot_seal_position_positive", condition=Q(position__gte=1)),
        ]


class BoardHead(models.Model):
    """The board chain's head at the end of each sealing batch, one row per round and day (the last
    batch of the day wins). Published during the vote so that a later rewrite is detectable."""

    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="heads")
    day = models.DateField()
    position = models.PositiveIntegerField()
    entry_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "day"]
        verbose_name = _("published board head")
        verbose_name_plural = _("published board heads")
        constraints = [models.UniqueConstraint(fields=["round", "day"], name="board_head_per_day")]


def ballot_record(*, round_id, receipt, choices) -> dict:
    """What the chain hashes for one ballot: its round, receipt and (proposal, value) pairs, sorted."""
    return {"round": round_id, "receipt": receipt, "choices": sorted([int(p), int(v)] for p, v in choices)}


__all__ = ["Ballot", "BallotChoice", "BallotSeal", "BoardHead", "Participation", "ballot_record"]
