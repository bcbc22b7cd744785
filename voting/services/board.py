"""The public board: sealing accepted ballots into each round's hash chain, and verifying it.

Built on pbcity.audit.chain (one chain implementation for the platform). Sealing runs in batches
(Celery beat every few seconds, and at close for the rest), never in the cast transaction, so voting
does not queue behind the chain (docs/decisions.md, "Voting: the board").
"""
from django.db import connection, transaction
from django.utils import timezone

from pbcity.audit import chain
from voting.models import Ballot, BallotChoice, BallotSeal, BoardHead, Participation, Round
from voting.models.ballots import ballot_record

SEAL_LOCK = 7_202_609  # first key of the per-round advisory lock that serialises sealers


def _lock_sealer(round_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SEAL_LOCK, round_id])


def seal_pending(*, round_, limit: int = 5000) -> int:
    """Seal up to `limit` unsealed ballots of the round, in their (random) id order; returns how many."""
    with transaction.atomic():
        _lock_sealer(round_.pk)
        last = (BallotSeal.objects.filter(round_id=round_.pk).order_by("-position")
                .values_list("position", "entry_hash").first()) or (0, chain.GENESIS)
        pending = list(Ballot.objects.filter(round_id=round_.pk, seal__isnull=True).order_by("id")
                       .values_list("id", "receipt")[:limit])
        if not pending:
            return 0
        choices: dict = {}
        for bid, pid, value in BallotChoice.objects.filter(ballot_id__in=[b for b, _r in pending]).values_list(
                "ballot_id", "proposal_id", "value"):
            choices.setdefault(bid, []).append((pid, value))
        position, prev = last
        seals = []
        for bid, receipt in pending:
            position += 1
            entry = chain.make_entry(position=position, ref=receipt, prev_hash=prev,
                                     record=ballot_record(round_id=round_.pk, receipt=receipt,
                                                          choices=choices.get(bid, [])))
            seals.append(BallotSeal(round_id=round_.pk, position=position, ballot_id=bid,
                                    content_hash=entry.content_hash, prev_hash=prev, entry_hash=entry.entry_hash))
            prev = entry.entry_hash
        BallotSeal.objects.bulk_create(seals)
        BoardHead.objects.update_or_create(round_id=round_.pk, day=timezone.localdate(),
                                           defaults={"position": position, "entry_hash": prev})
        return len(seals)


def seal_open_rounds(*, limit: int = 5000) -> int:
    """One sealing pass over every open round (the periodic task)."""
    return sum(seal_pending(round_=r, limit=limit) for r in Round.objects.filter(status=Round.Status.OPEN))


def board_verify(*, round_) -> chain.Break | None:
    """Walk the round's chain and return the first broken link, or None when the board holds.

    Checks, in order: every entry against its ballot as it reads now (changed, deleted), the links
    and positions (reordered, inserted with a forged seal), the heads published per day and at close,
    ballots without an entry (inserted), and as many ballots as participations.
    """
    rid = round_.pk
    ballots = dict(Ballot.objects.filter(round_id=rid).values_list("id", "receipt"))
    choices: dict = {}
    for bid, pid, value in BallotChoice.objects.filter(round_id=rid).values_list("ballot_id", "proposal_id",
                                                                                  "value"):
        choices.setdefault(bid, []).append((pid, value))

    seen = set()
    broken: list = []

    def entries():
        for s in BallotSeal.objects.filter(round_id=rid).order_by("position").values(
                "position", "ballot_id", "content_hash", "prev_hash", "entry_hash"):
            bid = s["ballot_id"]
            receipt = ballots.get(bid)
            if receipt is None:
                broken.append(chain.Break(s["position"], "", chain.ROW_DELETED, "the sealed ballot is gone"))
                return
            seen.add(bid)
            yield {**s, "ref": receipt,
                   "record": ballot_record(round_id=rid, receipt=receipt, choices=choices.get(bid, []))}

    heads = {h.position: h.entry_hash for h in BoardHead.objects.filter(round_id=rid)}
    if round_.board_size:
        heads[round_.board_size] = round_.board_head
    found = chain.verify_chain(entries(), heads=heads)
    if broken:
        return broken[0]
    if found:
        return found
    if round_.board_size is not None:
        extra = BallotSeal.objects.filter(round_id=rid, position__gt=round_.board_size).order_by("position").first()
        if extra:
            return chain.Break(extra.position, ballots.get(extra.ballot_id, ""), chain.FORGED_INSERT,
                               "an entry after the head published at close")
    unsealed = [b for b in ballots if b not in seen]
    if unsealed and round_.status != Round.Status.OPEN:
        return chain.Break(0, ballots[unsealed[0]], chain.FORGED_INSERT, "a ballot that is not on the board")
    participations = Participation.objects.filter(round_id=rid).count()
    if participations != len(ballots):
        return chain.Break(0, "", chain.FORGED_INSERT if len(ballots) > participations else chain.ROW_DELETED,
                           f"{len(ballots)} ballots for {participations} voters who voted")
    return None
