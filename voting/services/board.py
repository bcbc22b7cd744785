"""The ballot box and the public board: two hash chains per round, and their verification.

Built on pbcity.audit.chain (one chain implementation for the platform).

- The **ballot box** chains the ciphertexts during the vote (`SealedBallot`), in batches (Celery beat
  every few seconds, and at close for the rest), never in the cast transaction, so voting does not
  queue behind the chain. Its head is published during the vote (`BallotBoxHead`, the board page,
  its heads.txt) and stored on the round at close.
- The **board** chains the plaintext ballots, written in one go in random order when the box is
  opened (services/ballot_box.py); its head is stored on the round then.

`ballots_verify(...)` is the plain entry point for `manage.py ballots_verify` and scheduled checks.
(docs/decisions.md, "Voting: secret ballots"; docs/security.md, "Ballot secrecy").
"""
from dataclasses import dataclass, field
from uuid import uuid4

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from pbcity.audit import chain
from voting.models import (
    Ballot,
    BallotBoxHead,
    BallotChoice,
    BallotSeal,
    BoardHead,
    Participation,
    Round,
    SealedBallot,
    VoterDecision,
)
from voting.models.ballots import ballot_record, box_record

SEAL_LOCK = 7_202_609  # first key of the per-round advisory lock that serialises sealers

BOX, BOARD = "box", "board"  # the two chains of a round, as named in a heads file


def _lock_sealer(round_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SEAL_LOCK, round_id])


def seal_pending(*, round_, limit: int = 5000) -> int:
    """Chain up to `limit` unsealed ciphertexts of the round into its ballot box; returns how many.

    Taken in (random) id order, so the order within a batch says nothing about the order of voting.
    """
    with transaction.atomic():
        _lock_sealer(round_.pk)
        last = (SealedBallot.objects.filter(round_id=round_.pk, position__isnull=False).order_by("-position")
                .values_list("position", "entry_hash").first()) or (0, chain.GENESIS)
        pending = list(SealedBallot.objects.filter(round_id=round_.pk, position__isnull=True).order_by("id")
                       .values_list("id", "ciphertext")[:limit])
        if not pending:
            return 0
        position, prev = last
        rows = []
        for sid, ciphertext in pending:
            position += 1
            entry = chain.make_entry(position=position, ref="", prev_hash=prev,
                                     record=box_record(round_id=round_.pk, ciphertext=ciphertext))
            rows.append(SealedBallot(id=sid, round_id=round_.pk, position=position, content_hash=entry.content_hash,
                                     prev_hash=prev, entry_hash=entry.entry_hash))
            prev = entry.entry_hash
        SealedBallot.objects.bulk_update(rows, ["position", "content_hash", "prev_hash", "entry_hash"],
                                         batch_size=2000)
        BallotBoxHead.objects.update_or_create(round_id=round_.pk, day=timezone.localdate(),
                                               defaults={"position": position, "entry_hash": prev})
        return len(rows)


def seal_open_rounds(*, limit: int = 5000) -> int:
    """One sealing pass over every open round (the periodic task)."""
    return sum(seal_pending(round_=r, limit=limit) for r in Round.objects.filter(status=Round.Status.OPEN))


def box_head(*, round_) -> tuple[int, str]:
    """The ballot box's current head (position, entry hash); (0, GENESIS) when empty."""
    last = (SealedBallot.objects.filter(round_id=round_.pk, position__isnull=False).order_by("-position")
            .values_list("position", "entry_hash").first())
    return last if last else (0, chain.GENESIS)


def board_write(*, round_, ballots: list) -> tuple[int, str]:
    """Write the plaintext board from `ballots` [(receipt, [(proposal, value), …]), …] in the order given
    (the caller has shuffled it): random ids, one timestamp for all, chained in that order."""
    now = timezone.now()
    rows, choices, seals = [], [], []
    prev = chain.GENESIS
    for position, (receipt, picks) in enumerate(ballots, start=1):
        bid = uuid4()
        rows.append(Ballot(id=bid, round_id=round_.pk, receipt=receipt))
        choices.extend(BallotChoice(ballot_id=bid, round_id=round_.pk, proposal_id=p, value=v) for p, v in picks)
        entry = chain.make_entry(position=position, ref=receipt, prev_hash=prev,
                                 record=ballot_record(round_id=round_.pk, receipt=receipt, choices=picks))
        seals.append(BallotSeal(round_id=round_.pk, position=position, ballot_id=bid, content_hash=entry.content_hash,
                                prev_hash=prev, entry_hash=entry.entry_hash, sealed_at=now))
        prev = entry.entry_hash
    Ballot.objects.bulk_create(rows, batch_size=2000)
    BallotChoice.objects.bulk_create(choices, batch_size=5000)
    BallotSeal.objects.bulk_create(seals, batch_size=2000)
    BoardHead.objects.update_or_create(round_id=round_.pk, day=timezone.localdate(),
                                       defaults={"position": len(rows), "entry_hash": prev})
    return len(rows), prev


def _split(heads) -> tuple[dict, set]:
    """Saved heads as {position: hash} and a set of hashes saved without a position (during the vote the
    board page shows only hashes: a position would tell the turnout before close)."""
    if isinstance(heads, dict):
        return dict(heads), set()
    known, anywhere = {}, set()
    for position, value in heads or ():
        if position is None:
            anywhere.add(value)
        else:
            known[position] = value
    return known, anywhere


def _missing(anywhere: set, seen: set, what: str) -> chain.Break | None:
    lost = sorted(anywhere - seen)
    if lost:
        return chain.Break(0, "", chain.HEAD_MISSING, f"a saved {what} head {lost[0][:16]}… is not in the chain")
    return None


def box_verify(*, round_, heads=None) -> chain.Break | None:
    """Walk the round's ballot box: every ciphertext still present against its content hash, the links
    and positions, the heads published during the vote (stored and `heads` given) and at close, and
    ciphertexts that were never chained after close (inserted)."""
    rid = round_.pk
    given, anywhere = _split(heads)
    all_heads = {h.position: h.entry_hash for h in BallotBoxHead.objects.filter(round_id=rid)}
    if round_.box_size:
        all_heads[round_.box_size] = round_.box_head
    all_heads.update(given)
    seen: set = set()

    def entries():
        for s in (SealedBallot.objects.filter(round_id=rid, position__isnull=False).order_by("position")
                  .values("position", "ciphertext", "content_hash", "prev_hash", "entry_hash").iterator(2000)):
            ciphertext = s.pop("ciphertext")
            record = None if ciphertext is None else box_record(round_id=rid, ciphertext=ciphertext)
            seen.add(s["entry_hash"])
            yield {**s, "ref": "", "record": record}

    found = chain.verify_chain(entries(), heads=all_heads) or _missing(anywhere, seen, "ballot-box")
    if found:
        return found
    if round_.box_size is not None:
        extra = SealedBallot.objects.filter(round_id=rid).exclude(position__lte=round_.box_size).count()
        if extra:
            return chain.Break(round_.box_size + 1, "", chain.FORGED_INSERT,
                               f"{extra} sealed ballot(s) after the box head published at close")
    return None


def board_verify(*, round_, heads=None) -> chain.Break | None:
    """Walk the round's plaintext board and return the first broken link, or None when it holds.

    Checks, in order: every entry against its ballot as it reads now (changed, deleted), the links
    and positions (reordered, inserted with a forged seal), the heads recorded and given (`heads`),
    the head stored at opening, and ballots without an entry (inserted). Before the box is opened
    there is no board: anything on it then is forged.
    """
    rid = round_.pk
    ballots = dict(Ballot.objects.filter(round_id=rid).values_list("id", "receipt"))
    if not round_.box_opened:
        if ballots:
            return chain.Break(0, next(iter(ballots.values())), chain.FORGED_INSERT,
                               "a ballot on the board before the ballot box was opened")
        return None
    choices: dict = {}
    for bid, pid, value in BallotChoice.objects.filter(round_id=rid).values_list("ballot_id", "proposal_id",
                                                                                  "value"):
        choices.setdefault(bid, []).append((pid, value))

    seen = set()
    broken: list = []

    def entries():
        for s in BallotSeal.objects.filter(round_id=rid).order_by("position").values(
                "position", "ballot_id", "content_hash", "prev_hash", "entry_hash").iterator(2000):
            bid = s["ballot_id"]
            receipt = ballots.get(bid)
            if receipt is None:
                broken.append(chain.Break(s["position"], "", chain.ROW_DELETED, "the sealed ballot is gone"))
                return
            seen.add(bid)
            yield {**s, "ref": receipt,
                   "record": ballot_record(round_id=rid, receipt=receipt, choices=choices.get(bid, []))}

    given, anywhere = _split(heads)
    all_heads = {h.position: h.entry_hash for h in BoardHead.objects.filter(round_id=rid)}
    all_heads[round_.board_size] = round_.board_head
    all_heads.update(given)
    found = chain.verify_chain(entries(), heads=all_heads)
    if not found and not broken:
        hashes = set(BallotSeal.objects.filter(round_id=rid, entry_hash__in=list(anywhere))
                     .values_list("entry_hash", flat=True)) if anywhere else set()
        found = _missing(anywhere, hashes, "board")
    if broken:
        return broken[0]
    if found:
        return found
    extra = BallotSeal.objects.filter(round_id=rid, position__gt=round_.board_size).order_by("position").first()
    if extra:
        return chain.Break(extra.position, ballots.get(extra.ballot_id, ""), chain.FORGED_INSERT,
                           "an entry after the head published at opening")
    unsealed = [b for b in ballots if b not in seen]
    if unsealed:
        return chain.Break(0, ballots[unsealed[0]], chain.FORGED_INSERT, "a ballot that is not on the board")
    return None


def unwitnessed_voters(*, round_) -> list[int]:
    """Voters with a participation in the round but no verification on the audit chain: neither a staff
    decision nor a register match (`VoterDecision` to verified) with an audit chain entry."""
    from pbcity.models import AuditEntry

    decided = VoterDecision.objects.filter(voter_id=OuterRef("voter_id"), new_status="verified").annotate(
        chained=Exists(AuditEntry.objects.filter(table="voting.voterdecision",
                                                 row_pk=_text(OuterRef("pk"))))).filter(chained=True)
    return list(Participation.objects.filter(round_id=round_.pk).filter(~Exists(decided))
                .order_by("voter_id").values_list("voter_id", flat=True)[:20])


def _text(expr):
    from django.db.models import CharField
    from django.db.models.functions import Cast

    return Cast(expr, CharField())


def counts_problem(*, round_) -> str:
    """As many participations as ciphertexts (and, once opened, as ballots on the board)."""
    voted = Participation.objects.filter(round_id=round_.pk).count()
    sealed = SealedBallot.objects.filter(round_id=round_.pk).count()
    if sealed != voted:
        return f"{sealed} sealed ballots for {voted} voters who voted"
    if round_.box_opened:
        on_board = Ballot.objects.filter(round_id=round_.pk).count()
        if on_board != voted:
            return f"{on_board} ballots on the board for {voted} voters who voted"
    return ""


@dataclass
class RoundCheck:
    round: Round
    box: chain.Break | None = None
    board: chain.Break | None = None
    counts: str = ""
    unwitnessed: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.box or self.board or self.counts or self.unwitnessed)

    def problems(self) -> list[str]:
        out = []
        if self.box:
            out.append(f"ballot box: first broken link at {self.box}")
        if self.board:
            out.append(f"board: first broken link at {self.board}")
        if self.counts:
            out.append(f"counts: {self.counts}")
        if self.unwitnessed:
            ids = ", ".join(str(v) for v in self.unwitnessed)
            out.append(f"stuffed: voter(s) {ids} voted without a verification on the audit chain")
        return out


def round_check(*, round_, heads: dict | None = None) -> RoundCheck:
    """Every check of one round: box chain, board chain, counts and who voted (`heads`: {"box": {…},
    "board": {…}} positions → hashes saved outside the database)."""
    heads = heads or {}
    return RoundCheck(round=round_, box=box_verify(round_=round_, heads=heads.get(BOX)),
                      board=board_verify(round_=round_, heads=heads.get(BOARD)),
                      counts=counts_problem(round_=round_), unwitnessed=unwitnessed_voters(round_=round_))


def ballots_verify(*, round_id: int | None = None, heads: dict | None = None) -> list[RoundCheck]:
    """Check every round that has opened (or one); `heads` maps round id → {"box"/"board": {pos: hash}}.
    The entry point for `manage.py ballots_verify` and scheduled verification."""
    rounds = Round.objects.exclude(status=Round.Status.DRAFT).select_related("district", "cycle").order_by("pk")
    if round_id is not None:
        rounds = rounds.filter(pk=round_id)
    heads = heads or {}
    return [round_check(round_=r, heads=heads.get(r.pk)) for r in rounds]


def published_heads(*, round_) -> list[tuple[str, int | None, str, str]]:
    """What the board page and heads.txt publish: (chain, position or None, hash, when). During the vote
    the positions stay hidden (they would tell the turnout); after close they are shown."""
    closed = round_.status != Round.Status.OPEN
    out = [(BOX, h.position if closed else None, h.entry_hash, h.day.isoformat())
           for h in BallotBoxHead.objects.filter(round_id=round_.pk).order_by("day")]
    if round_.status == Round.Status.OPEN:
        position, head = box_head(round_=round_)
        if position:
            out.append((BOX, None, head, timezone.localtime().strftime("%Y-%m-%d %H:%M")))
    if round_.box_size is not None:
        out.append((BOX, round_.box_size, round_.box_head, "close"))
    if round_.board_size is not None:
        out.append((BOARD, round_.board_size, round_.board_head, "opening"))
    return out


def heads_text(*, round_) -> str:
    """The round's published heads in the heads-file format `ballots_verify --heads` reads."""
    lines = [f"# pbcity i-Voting heads, round {round_.pk} ({round_.cycle.year} {round_.district.code}); "
             "lines: round chain position hash (box: ciphertexts during the vote, '*' = position kept hidden "
             "until close; board: the opened board). Save a copy: `manage.py ballots_verify --heads FILE`."]
    for name, position, value, when in published_heads(round_=round_):
        lines.append(f"{round_.pk} {name} {'*' if position is None else position} {value}  # {when}")
    return "\n".join(lines) + "\n"


def heads_parse(text: str) -> dict:
    """Read a heads file: lines `round chain position|* hash` (# comments); {round: {chain: [(pos, hash)]}}."""
    out: dict = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 4 or parts[1] not in (BOX, BOARD) or not parts[0].isdigit() \
                or not (parts[2].isdigit() or parts[2] == "*") or len(parts[3]) != 64:
            raise ValueError(f"line {number}: expected 'round box|board position|* hash'")
        position = None if parts[2] == "*" else int(parts[2])
        out.setdefault(int(parts[0]), {}).setdefault(parts[1], []).append((position, parts[3]))
    return out
