"""Ballots, kept apart from who cast them, and the public board's hash chain.

The ballot's path (docs/security.md, "Ballot secrecy"):

- During the vote, one statement stores `Participation(round, voter)` and `SealedBallot(round,
  ciphertext)`: the ballot (receipt and choices, padded to one length per round) encrypted to the
  round's public key (libsodium sealed box). UNIQUE (round, voter) is what makes a second ballot
  impossible. Nobody holding the database can read a ciphertext: the private key exists only as
  shares held by the committee. The ciphertexts are chained in batches (the *ballot box*), and the
  box's head is published during the vote (`BallotBoxHead`, the board page, its heads.txt).
- After close, a quorum of key holders opens the box (services/ballot_box.py): one transaction
  decrypts, shuffles and writes the plaintext board below in random order, then destroys the
  ciphertexts (the column is set to NULL; only the box chain's hashes stay).
- `Ballot(round, receipt)` is the anonymous ballot on the board; `BallotChoice(ballot, round, proposal, value)`
  holds one row per chosen project: value 1 for approval and knapsack, the points given for points,
  and the place (1 = first) for ranking — the round's `score_vector[place - 1]` is its score.
  `round` is repeated on the choice so a tally is one GROUP BY without a join.

- `BallotSeal(round, position, ballot)` is the ballot's link in the round's board chain
  (pbcity.audit.chain), written with the board; `BoardHead(round, day)` keeps that chain's head.
"""
import uuid

from django.db import models
from django.db.models import F, Q
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
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="one_ballot_per_voter_per_round"),
            # One form key, one ballot: the same key under a second account is refused at cast time
            # (the receipt, derived from the key, is only inside the ciphertext until the box opens).
            models.UniqueConstraint(fields=["round", "token"], name="participation_token_once"),
        ]


class SealedBallot(models.Model):
    """A ballot encrypted to its round's public key, and its link in the round's ballot-box chain.

    Inserted in the statement that inserts the participation (so it exists iff the participation
    does) with a random id; nothing in it names the voter. A trigger allows exactly two updates: the
    sealer filling the chain columns once, and the destruction of the ciphertext (set to NULL) once
    the round's plaintext board is written. No DELETE, no TRUNCATE.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="sealed_ballots")
    ciphertext = models.BinaryField(null=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="sealed_ballot_position_once"),
            models.CheckConstraint(
                name="sealed_ballot_seal_complete",
                condition=(Q(position__isnull=True) & Q(entry_hash="") & Q(prev_hash="") & Q(content_hash=""))
                | (Q(position__gte=1) & ~Q(entry_hash="") & ~Q(prev_hash="") & ~Q(content_hash="")),
            ),
        ]
        indexes = [models.Index(fields=["round"], name="sealed_ballot_unsealed", condition=Q(position__isnull=True))]


class _PublishedHead(models.Model):
    """A chain's head as published for one round and day (the last record of the day wins)."""

    day = models.DateField()
    position = models.PositiveIntegerField()
    entry_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["round", "day"]


class BallotBoxHead(_PublishedHead):
    """The ballot box chain's head at the end of each sealing batch, one row per round and day (the
    last batch of the day wins): what the board page and heads.txt publish during the vote."""

    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="box_heads")

    class Meta(_PublishedHead.Meta):
        verbose_name = _("published ballot-box head")
        verbose_name_plural = _("published ballot-box heads")
        constraints = [models.UniqueConstraint(fields=["round", "day"], name="box_head_per_day")]


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
    verified by `manage.py ballots_verify`, so it is not chained a second time by the audit trail.
    Written with the board when the box is opened, in the board's random order."""

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


class BoardHead(_PublishedHead):
    """The plaintext board chain's head, recorded when the box is opened (one row per round and day)."""

    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="heads")

    class Meta(_PublishedHead.Meta):
        verbose_name = _("published board head")
        verbose_name_plural = _("published board heads")
        constraints = [models.UniqueConstraint(fields=["round", "day"], name="board_head_per_day")]


class BoardStratum(models.Model):
    """Ballots per coarse group (day of the vote, or age band) and, per project, ballots choosing it.

    Counted once, at opening, from the traits sealed inside the ballots (voting/rules/strata.py); never
    one row per ballot, and a group covers at least `STRATUM_MIN` ballots (docs/security.md, "Mobilisation
    flags and ballot secrecy"). `proposal` null: all the round's ballots in the group. Read by the
    mobilisation flags (district office and committee), not published.
    """

    class Kind(models.TextChoices):
        DAY = "day", _("Day of the vote")
        AGE = "age", _("Age band")

    round = models.ForeignKey("voting.Round", on_delete=models.PROTECT, related_name="strata")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    lo = models.PositiveSmallIntegerField()  # first bucket of the group (day index or AGE_BANDS index)
    hi = models.PositiveSmallIntegerField()
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    ballots = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ballot group count")
        verbose_name_plural = _("ballot group counts")
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "lo", "proposal"], name="board_stratum_once",
                                    nulls_distinct=False),
            models.CheckConstraint(name="board_stratum_ordered", condition=Q(hi__gte=F("lo"))),
        ]


def ballot_record(*, round_id, receipt, choices) -> dict:
    """What the chain hashes for one ballot: its round, receipt and (proposal, value) pairs, sorted."""
    return {"round": round_id, "receipt": receipt, "choices": sorted([int(p), int(v)] for p, v in choices)}


def box_record(*, round_id, ciphertext: bytes) -> dict:
    """What the ballot-box chain hashes for one sealed ballot: its round and the ciphertext's SHA-256."""
    import hashlib

    return {"round": round_id, "sealed": hashlib.sha256(bytes(ciphertext)).hexdigest()}


__all__ = ["Ballot", "BallotBoxHead", "BallotChoice", "BallotSeal", "BoardHead", "BoardStratum", "Participation",
           "SealedBallot",
           "ballot_record", "box_record"]
