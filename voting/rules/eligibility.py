"""Eligibility (V1; docs/decisions.md, "Voting: eligibility").

- Age: 16 or older on the vote's first day. Ages follow the Civil Code (arts. 121, 124): the day of
  birth counts, so one turns N on the anniversary of the birth date; a person born on 29 February turns
  N on 1 March in a year without 29 February.
- Identity: a Taiwanese national ID (A123456789) or a resident certificate number, old form (two
  letters, AB12345677) or the 2021 form (8 or 9 as the second character), each with its check digit.
- Only a keyed HMAC-SHA256 of the normalised number is ever stored or compared.
"""
import datetime
import hashlib
import hmac
import re
import unicodedata

__all__ = [
    "ID_LETTER_CODES", "ID_NATIONAL", "ID_RESIDENT_NEW", "ID_RESIDENT_OLD", "MIN_VOTER_AGE", "VOTER_BASES",
    "anniversary", "id_keyed", "id_kind", "id_valid", "normalise_id", "old_enough", "voter_ineligibility",
]

MIN_VOTER_AGE = 16
VOTER_BASES = ("household", "study", "work", "live")

# Letter → two-digit code shared by the national ID and resident certificates (I, O, W–Z out of order).
ID_LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18, "K": 19,
    "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29,
    "W": 32, "X": 30, "Y": 31, "Z": 33,
}
_ID_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
ID_NATIONAL = "national_id"
ID_RESIDENT_OLD = "resident_old"
ID_RESIDENT_NEW = "resident_new"
_ID_NATIONAL_OR_NEW = re.compile(r"^[A-Z][1289]\d{8}$")
_ID_RESIDENT_OLD = re.compile(r"^[A-Z][A-D]\d{8}$")


def anniversary(birth_date: datetime.date, years: int) -> datetime.date:
    """The day one turns `years` old: the same month and day, or 1 March for a 29 February birth."""
    if birth_date.year + years > datetime.MAXYEAR:
        return datetime.date.max  # a birth date typed far in the future: never old enough
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a year without it
        return datetime.date(birth_date.year + years, 3, 1)


def old_enough(*, birth_date: datetime.date, first_vote_day: datetime.date, min_age: int = MIN_VOTER_AGE) -> bool:
    """At least `min_age` years old on the vote's first day (the birthday itself counts)."""
    return first_vote_day >= anniversary(birth_date, min_age)


def voter_ineligibility(*, birth_date: datetime.date, first_vote_day: datetime.date, basis: str) -> str | None:
    """Why a person may not vote, or None: "basis" unless tied to the city by household registration, study,
    work or residence; "too_young" unless old enough on the vote's first day."""
    if basis not in VOTER_BASES:
        return "basis"
    if not old_enough(birth_date=birth_date, first_vote_day=first_vote_day):
        return "too_young"
    return None


def normalise_id(raw: str) -> str:
    """Upper case, full-width folded (NFKC), spaces and hyphens removed."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).upper()


def _id_checksum_ok(letter_code: int, second: int, digits: str) -> bool:
    values = [letter_code // 10, letter_code % 10, second, *(int(c) for c in digits)]
    return sum(v * w for v, w in zip(values, _ID_WEIGHTS, strict=True)) % 10 == 0


def id_kind(normalised: str) -> str | None:
    """Which kind of number this is when its format and check digit are right, else None."""
    if len(normalised) != 10 or normalised[0] not in ID_LETTER_CODES:
        return None
    first = ID_LETTER_CODES[normalised[0]]
    if _ID_NATIONAL_OR_NEW.match(normalised):
        if not _id_checksum_ok(first, int(normalised[1]), normalised[2:]):
            return None
        return ID_NATIONAL if normalised[1] in "12" else ID_RESIDENT_NEW
    if _ID_RESIDENT_OLD.match(normalised):
        # The old form's second letter counts with the last digit of its code (A→0, B→1, C→2, D→3).
        ok = _id_checksum_ok(first, ID_LETTER_CODES[normalised[1]] % 10, normalised[2:])
        return ID_RESIDENT_OLD if ok else None
    return None


def id_valid(raw: str) -> bool:
    """A national ID or resident certificate number with a correct check digit."""
    return id_kind(normalise_id(raw)) is not None


def id_keyed(normalised: str, *, key: bytes) -> str:
    """The stored form of an ID number: hex HMAC-SHA256 under a key that is never in the database."""
    return hmac.new(key, normalised.encode("ascii"), hashlib.sha256).hexdigest()
