"""The tie-by-lot rule that both the assembly's pass rule and the vote's admission rule use, and the
deterministic randomness both lots and the review-panel draw share.

Items ranked by competition rank (10, 8, 8, 5 → 1, 2, 2, 4) are admitted when they qualify (a majority
of those present, or votes over the threshold) and rank within the cap. Qualifying items that tie across
the cap would put more than `cap` items "within the cap": the places left are given by a lot over the
tied group (docs/decisions.md, "Ties across the cap" and "Cycle kit").

The lot is committed before the vote ("pbcity-tie-lot" version 1): when the assembly's vote or the round
opens, a seed is fixed and only its hash is published; when the vote closes the seed is revealed and the
order of the tied keys follows from it alone:
  commitment = SHA-256(seed as lowercase hex text, UTF-8), hex
  keys sorted as text; Stream(bytes of the seed, "tie-lot") as the panel draw's (SHA-256 counter mode,
  8-byte big-endian counter, first 8 bytes of each block, rejection sampling below n); Fisher–Yates from
  the last index down. scripts/recount_vote.py re-implements it with the standard library only.
The seed is an HMAC of a random nonce under a key outside the database, so a reader of the database
cannot know it before it is revealed, and the server cannot choose it after publishing the commitment.
"""
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

TIE_LOT = {"name": "pbcity-tie-lot", "version": "1"}
LABEL = "tie-lot"


@dataclass
class Lot:
    """A tie across the cap settled by lot: the tied votes, the places left, the drawn order."""

    votes: int
    slots: int
    drawn_order: list


# -- the panel draw's deterministic randomness (deliberation/draw.py uses it too) -------------------

def canonical_json(doc) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Stream:
    """SHA-256 in counter mode: block_i = SHA-256(seed ‖ label ‖ i as 8 bytes big-endian)."""

    def __init__(self, seed: bytes, label: str):
        self.prefix = seed + label.encode("utf-8")
        self.counter = 0

    def next64(self) -> int:
        block = hashlib.sha256(self.prefix + self.counter.to_bytes(8, "big")).digest()
        self.counter += 1
        return int.from_bytes(block[:8], "big")

    def below(self, n: int) -> int:
        """Uniform in [0, n): 64-bit numbers at or above the largest multiple of n are rejected."""
        limit = (1 << 64) - (1 << 64) % n
        while True:
            x = self.next64()
            if x < limit:
                return x % n


def shuffle(items, stream: Stream) -> list:
    a = list(items)
    for i in range(len(a) - 1, 0, -1):
        j = stream.below(i + 1)
        a[i], a[j] = a[j], a[i]
    return a


# -- the committed tie lot ---------------------------------------------------------------------------

def seed_commitment(seed: str) -> str:
    """The published commitment of a seed (64 hex characters)."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def committed_order(seed: str, keys) -> list:
    """The lot's order of `keys` from the revealed seed: the same keys in any order give the same result."""
    try:
        raw = bytes.fromhex(seed)
    except (TypeError, ValueError):
        raise ValueError("the lot's seed is not hexadecimal") from None
    if len(raw) != 32:
        raise ValueError("the lot's seed is not 32 bytes")
    return shuffle(sorted(keys, key=str), Stream(raw, LABEL))


def seed_of(*, key: bytes, subject: str, nonce: str) -> str:
    """The seed behind a commitment: HMAC-SHA256(key, "pbcity-tie-lot|subject|nonce"), hex."""
    message = f"{TIE_LOT['name']}|{subject}|{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _key() -> bytes:
    """TIE_LOT_KEY, else derived from SECRET_KEY — never the database (docs/security.md, "Cycle kit")."""
    from django.conf import settings

    material = getattr(settings, "TIE_LOT_KEY", "") or f"pbcity-tie-lot:{settings.SECRET_KEY}"
    return hashlib.sha256(material.encode("utf-8")).digest()


def lot_commit(*, subject: str) -> tuple[str, str]:
    """(nonce, commitment) to store and publish when a vote opens; the seed itself is not stored."""
    nonce = secrets.token_hex(16)
    return nonce, seed_commitment(seed_of(key=_key(), subject=subject, nonce=nonce))


def lot_reveal(*, subject: str, nonce: str, commitment: str) -> str:
    """The seed behind a published commitment; ValueError if it does not hash to it (the key changed)."""
    seed = seed_of(key=_key(), subject=subject, nonce=nonce)
    if seed_commitment(seed) != commitment:
        raise ValueError("the tie-lot key changed since the commitment was published")
    return seed


def random_order(keys: list) -> list:
    """Legacy: a lot drawn from the operating system (results closed before the commitment existed)."""
    return secrets.SystemRandom().sample(keys, len(keys))


def admit_within_cap(items, *, cap: int, qualifies, draw=random_order) -> tuple[set, set, Lot | None]:
    """(admitted keys, keys in the lot, the lot or None) for `items` with `key`, `votes` and `rank`.

    `qualifies(item)` is the other condition (majority, over the threshold). Only one tie can straddle
    the cap, so there is at most one lot; the tied keys are drawn in a fixed order (sorted as text) so a
    seeded draw is reproducible.
    """
    admitted, in_lot, lot = set(), set(), None
    for item in items:
        if not qualifies(item) or item.rank > cap:
            continue
        group = [x for x in items if x.votes == item.votes]
        if item.rank + len(group) - 1 <= cap:
            admitted.add(item.key)
        elif lot is None:
            slots = cap - (item.rank - 1)
            order = list(draw(sorted((x.key for x in group), key=str)))
            lot = Lot(votes=item.votes, slots=slots, drawn_order=order)
            in_lot = {x.key for x in group}
            admitted |= set(order[:slots])
    return admitted, in_lot, lot
