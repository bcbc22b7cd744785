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
3. Per seat type t (alphabetical), a counter-mode stream (pbcity/lot.py, shared with the tie lots):
   block_i = SHA-256(seed ‖ t ‖ i as 8 bytes big-endian), its first 8 bytes a 64-bit number; a number
   below n by rejection sampling.
4. Fisher–Yates shuffles the pool of t (from the last index down). The first quota[t] are the
   members, the rest the ordered alternates.
"""
import hashlib
import re
import unicodedata
from fractions import Fraction

from pbcity.lot import Stream, canonical_json, shuffle

from .rules import selection_probability

__all__ = ["ALGORITHM", "Stream", "canonical_json", "commitment_of", "input_document", "run", "shuffle"]

ALGORITHM = {"name": "pbcity-panel-lot", "version": "2"}
_SEPARATOR = re.compile(r"\s*([,;/|:、])\s*")


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
