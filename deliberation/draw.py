"""The verifiable panel draw (docs/decisions.md, "Review panel"): commitment, seed, PRNG, shuffle.

Pure and deterministic. `scripts/verify_panel_draw.py` is an independent re-implementation of the
same steps (standard library only) that anyone can run on the published files.

1. Input document (published before the draw): algorithm name+version, the panel's facts, the
   quotas, the pools (pseudonymous ids, sorted) and the announced source of randomness.
   commitment = SHA-256 of its canonical JSON (UTF-8, sorted keys, no spaces).
2. At the draw the office enters the public random value, normalised: version 1 collapses whitespace;
   version 2 also applies Unicode NFKC (full-width digits and commas become ASCII) and removes
   spaces around separators, so "07, 15,22 ,31" and "07,15,22,31" are the same value.
   seed = SHA-256(commitment ‖ "|" ‖ random value).
3. Per seat type t (alphabetical), a counter-mode stream: block_i = SHA-256(seed ‖ t ‖ i as 8 bytes
   big-endian), its first 8 bytes a 64-bit number; a number below n by rejection sampling.
4. Fisher–Yates shuffles the pool of t (from the last index down). The first quota[t] are the
   members, the rest the ordered alternates.
"""
import hashlib
import json
import re
import unicodedata
from fractions import Fraction

from .rules import selection_probability

ALGORITHM = {"name": "pbcity-panel-lot", "version": "2"}
_SEPARATOR = re.compile(r"\s*([,;/|:、])\s*")


def canonical_json(doc) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def commitment_of(doc) -> str:
    return hashlib.sha256(canonical_json(doc)).hexdigest()


def normalise_random_value(value: str, version: str = ALGORITHM["version"]) -> str:
    """The value as hashed. Version 1 (panels committed before it changed) only collapsed whitespace."""
    text = " ".join((value or "").split())
    if str(version) == "1":
        return text
    return _SEPARATOR.sub(r"\1", " ".join(unicodedata.normalize("NFKC", text).split()))


def seed_of(commitment: str, random_value: str) -> bytes:
    """`random_value` already normalised for the document's algorithm version."""
    return hashlib.sha256(f"{commitment}|{random_value}".encode()).digest()


class Stream:
    """SHA-256 in counter mode, one stream per seat type."""

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


def input_document(*, panel: dict, pools: dict, quotas: dict, randomness: dict) -> dict:
    """The document whose hash is the commitment. Pools are sorted so the order carries no choice."""
    return {
        "algorithm": dict(ALGORITHM),
        "panel": panel,
        "quotas": {t: int(q) for t, q in quotas.items()},
        "pools": {t: sorted(ids) for t, ids in pools.items()},
        "randomness": randomness,
    }


def probabilities(doc) -> dict:
    """Each eligible person's selection probability, exact (as "p/q") with a decimal for reading."""
    out = {}
    for seat_type in sorted(doc["quotas"]):
        pool = doc["pools"][seat_type]
        p = selection_probability(quota=doc["quotas"][seat_type], pool_size=len(pool))
        for pid in pool:
            out[pid] = {"seat_type": seat_type, "probability": f"{p.numerator}/{p.denominator}",
                        "decimal": round(float(p), 6)}
    return out


def run(doc, random_value: str) -> dict:
    """The draw: members and ordered alternates per seat type, and the published probabilities."""
    commitment = commitment_of(doc)
    value = normalise_random_value(random_value, doc["algorithm"]["version"])
    seed = seed_of(commitment, value)
    selected, alternates = {}, {}
    for seat_type in sorted(doc["quotas"]):
        order = shuffle(doc["pools"][seat_type], Stream(seed, seat_type))
        quota = doc["quotas"][seat_type]
        selected[seat_type] = order[:quota]
        alternates[seat_type] = order[quota:]
    return {
        "algorithm": doc["algorithm"],
        "commitment": commitment,
        "random_value": value,
        "seed": seed.hex(),
        "selected": selected,
        "alternates": alternates,
        "probabilities": probabilities(doc),
    }


def exact(p: str) -> Fraction:
    num, den = p.split("/")
    return Fraction(int(num), int(den))
