"""A hash chain over records: pure, standard library only, shared by the audit trail and the ballot board.

Each record's content is serialised canonically and hashed (`content_hash`); each chain entry links
the previous entry's hash, its own position, a reference to the record and the content hash
(`link_hash`). Changing, removing, inserting or reordering any earlier record changes every later
entry hash, so a head copied outside the database (published, e-mailed) detects even a consistent
rewrite of the whole chain (docs/security.md, "Audit chain").

Usage (any record that can be put as a mapping of JSON-able values, see `canonical`)::

    from pbcity.audit import chain

    head = chain.GENESIS                         # the prev_hash of position 1
    entries = []
    for position, (ref, record) in enumerate(records, start=1):
        entry = chain.make_entry(position=position, ref=ref, record=record, prev_hash=head)
        entries.append(entry)                    # store position, ref, content/prev/entry hash
        head = entry.entry_hash
    broken = chain.verify_chain(entries)         # None, or the first `Break`
    broken = chain.verify_chain(entries, heads={120: "ab12…"})   # published heads must still be there

`verify_chain` accepts any iterable of objects or mappings with the attributes/keys `position`,
`ref`, `content_hash`, `prev_hash`, `entry_hash` and, optionally, `record` (the record as it reads
now; when present its content hash is recomputed and compared). It stops at the first problem.

Canonical serialisation (version 1): a mapping with string keys, JSON with sorted keys, no
whitespace, UTF-8 (not ASCII-escaped). Values:

- None, bool, int, str: as JSON (null/true/false/number/string); floats are refused (use Decimal);
- Decimal: a string, normalised (no exponent, no trailing zeros: Decimal("1.50") -> "1.5"), so a
  value read back from a NUMERIC column with a fixed scale hashes the same as the value written;
- datetime: aware only, converted to UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (always microseconds);
  naive datetimes are refused (ambiguous);
- date: "YYYY-MM-DD"; time: "HH:MM:SS.ffffff";
- UUID: its canonical string; bytes/bytearray/memoryview: lowercase hex;
- list/tuple: JSON arrays of canonical values; dict: nested objects with string keys.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

VERSION = 1
GENESIS = "0" * 64
"""The prev_hash of the first entry (position 1)."""

# Why a chain breaks, from `verify_chain` (and the platform verifier, which adds the row checks).
CONTENT_CHANGED = "content_changed"  # the record reads differently from when it was sealed
LINK_BROKEN = "link_broken"  # the entry hash does not follow from prev hash, position, ref and content
PREV_MISMATCH = "prev_mismatch"  # prev_hash is not the previous entry's entry_hash
ORDER_CHANGED = "order_changed"  # positions are not 1, 2, 3, … in order
HEAD_MISSING = "head_missing"  # a published head is no longer at its position
ROW_DELETED = "row_deleted"  # an entry's record is gone (platform verifier)
FORGED_INSERT = "forged_insert"  # a record has no entry (platform verifier)


class CanonicalError(TypeError):
    """A value has no canonical form (float, naive datetime, unknown type)."""


@dataclass(frozen=True)
class Entry:
    """One link of a chain."""

    position: int
    ref: str
    content_hash: str
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True)
class Break:
    """The first broken link: where (position, ref) and what (reason, a short detail)."""

    position: int
    ref: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"position {self.position} ({self.ref}): {self.reason}"
        return f"{text} — {self.detail}" if self.detail else text


def _normal(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise CanonicalError("floats have no canonical form here; use Decimal")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CanonicalError(f"non-finite Decimal {value}")
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise CanonicalError("naive datetime")
        return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time):
        return value.strftime("%H:%M:%S.%f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise CanonicalError(f"non-string key {k!r}")
            out[k] = _normal(v)
        return out
    raise CanonicalError(f"no canonical form for {type(value).__name__}")


def canonical(record: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a record (see the module docstring for the rules)."""
    if not isinstance(record, Mapping):
        raise CanonicalError("a record is a mapping")
    return json.dumps(_normal(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the record's canonical bytes."""
    return _sha256(canonical(record))


def link_hash(prev_hash: str, content_hash: str, *, position: int, ref: str = "") -> str:
    """SHA-256 (hex) binding an entry to its predecessor, its position, its record reference and content."""
    return _sha256(
        canonical({"v": VERSION, "prev": prev_hash, "position": position, "ref": ref, "content": content_hash})
    )


def make_entry(*, position: int, ref: str, prev_hash: str, record: Mapping[str, Any] | None = None,
               content: str | None = None) -> Entry:
    """The entry for a record (or an already computed content hash) following `prev_hash`."""
    if content is None:
        if record is None:
            raise ValueError("give record or content")
        content = content_hash(record)
    return Entry(position, ref, content, prev_hash, link_hash(prev_hash, content, position=position, ref=ref))


def _get(entry: Any, name: str, default: Any = None) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name, default)
    return getattr(entry, name, default)


_MISSING = object()


def verify_chain(entries: Iterable[Any], *, heads: Mapping[int, str] | None = None,
                 start_position: int = 1, start_prev_hash: str = GENESIS) -> Break | None:
    """The first broken link of `entries` (in stored order), or None when the whole chain holds.

    `heads` maps positions to published entry hashes; each must still be the entry hash at its
    position, and a published position beyond the end of the chain is a break (entries removed).
    `start_position`/`start_prev_hash` let a caller verify from a trusted checkpoint.
    """
    heads = dict(heads or {})
    expected_position, prev = start_position, start_prev_hash
    last_ref = ""
    for entry in entries:
        position, ref = _get(entry, "position"), _get(entry, "ref", "") or ""
        if position != expected_position:
            return Break(position, ref, ORDER_CHANGED, f"expected position {expected_position}")
        record = _get(entry, "record", _MISSING)
        stored_content = _get(entry, "content_hash")
        if record is not _MISSING and record is not None and content_hash(record) != stored_content:
            return Break(position, ref, CONTENT_CHANGED, "the record does not match its sealed content hash")
        if _get(entry, "prev_hash") != prev:
            return Break(position, ref, PREV_MISMATCH, "prev_hash is not the previous entry's hash")
        computed = link_hash(prev, stored_content, position=position, ref=ref)
        if _get(entry, "entry_hash") != computed:
            return Break(position, ref, LINK_BROKEN, "entry_hash does not follow from its link")
        published = heads.pop(position, None)
        if published is not None and published != computed:
            return Break(position, ref, HEAD_MISSING, f"published head {published[:16]}… differs")
        prev, last_ref = computed, ref
        expected_position += 1
    for position in sorted(heads):
        if position >= expected_position:
            return Break(position, last_ref, HEAD_MISSING, f"the chain ends at {expected_position - 1}")
    return None
