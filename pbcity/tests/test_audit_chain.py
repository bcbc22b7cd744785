"""The pure hash-chain module: canonical form, hashes and the first broken link."""
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from pbcity.audit import chain


def _build(records):
    head, entries = chain.GENESIS, []
    for position, (ref, record) in enumerate(records, start=1):
        entry = chain.make_entry(position=position, ref=ref, record=record, prev_hash=head)
        entries.append({**entry.__dict__, "record": record})
        head = entry.entry_hash
    return entries


RECORDS = [(f"t.row:{i}", {"id": i, "text": f"第{i}筆", "amount": Decimal(f"{i}.50")}) for i in range(1, 6)]


def test_canonical_is_sorted_compact_utf8():
    assert chain.canonical({"b": 1, "a": "臺北"}) == '{"a":"臺北","b":1}'.encode()


def test_canonical_values():
    tz8 = dt.timezone(dt.timedelta(hours=8))
    record = {
        "none": None, "flag": True, "dec": Decimal("1.50"), "zero": Decimal("-0.00"), "big": Decimal("1E+2"),
        "when": dt.datetime(2026, 11, 27, 8, 0, tzinfo=tz8), "day": dt.date(2026, 1, 2),
        "uid": uuid.UUID(int=1), "raw": b"\x01\xff", "list": (1, "a"),
    }
    assert chain.canonical(record) == (
        b'{"big":"100","day":"2026-01-02","dec":"1.5","flag":true,"list":[1,"a"],"none":null,'
        b'"raw":"01ff","uid":"00000000-0000-0000-0000-000000000001",'
        b'"when":"2026-11-27T00:00:00.000000Z","zero":"0"}'
    )


def test_decimal_scale_does_not_change_the_hash():
    assert chain.content_hash({"x": Decimal("2.5")}) == chain.content_hash({"x": Decimal("2.500")})


@pytest.mark.parametrize("bad", [1.5, dt.datetime(2026, 1, 1), object(), Decimal("NaN")])
def test_values_without_canonical_form_are_refused(bad):
    with pytest.raises(chain.CanonicalError):
        chain.canonical({"x": bad})


def test_non_string_keys_are_refused():
    with pytest.raises(chain.CanonicalError, match="non-string key"):
        chain.canonical({1: "x"})


def test_link_hash_binds_every_part():
    base = chain.link_hash(chain.GENESIS, "c" * 64, position=1, ref="a:1")
    assert base != chain.link_hash(chain.GENESIS, "d" * 64, position=1, ref="a:1")
    assert base != chain.link_hash("1" * 64, "c" * 64, position=1, ref="a:1")
    assert base != chain.link_hash(chain.GENESIS, "c" * 64, position=2, ref="a:1")
    assert base != chain.link_hash(chain.GENESIS, "c" * 64, position=1, ref="a:2")


def test_intact_chain_verifies_and_empty_chain_too():
    assert chain.verify_chain(_build(RECORDS)) is None
    assert chain.verify_chain([]) is None


def test_changed_content_is_the_first_break():
    entries = _build(RECORDS)
    entries[2]["record"] = {**entries[2]["record"], "text": "改"}
    broken = chain.verify_chain(entries)
    assert (broken.position, broken.ref, broken.reason) == (3, "t.row:3", chain.CONTENT_CHANGED)


def test_removed_entry_breaks_the_order():
    entries = _build(RECORDS)
    del entries[1]
    broken = chain.verify_chain(entries)
    assert (broken.position, broken.reason) == (3, chain.ORDER_CHANGED)


def test_swapped_entries_break_the_order():
    entries = _build(RECORDS)
    entries[1], entries[2] = entries[2], entries[1]
    assert chain.verify_chain(entries).reason == chain.ORDER_CHANGED


def test_swapped_hashes_with_positions_renumbered_break_the_link():
    entries = _build(RECORDS)
    entries[1], entries[2] = {**entries[2], "position": 2}, {**entries[1], "position": 3}
    broken = chain.verify_chain(entries)
    assert (broken.position, broken.reason) == (2, chain.PREV_MISMATCH)


def test_forged_entry_hash_breaks_the_link():
    entries = _build(RECORDS)
    entries[3]["entry_hash"] = "f" * 64
    broken = chain.verify_chain(entries)
    assert (broken.position, broken.reason) == (4, chain.LINK_BROKEN)


def test_consistent_rewrite_is_caught_by_a_published_head():
    original = _build(RECORDS)
    published = {3: original[2]["entry_hash"]}
    rewritten = _build([RECORDS[0], ("t.row:2", {"id": 2, "text": "偽"}), *RECORDS[2:]])
    assert chain.verify_chain(rewritten) is None
    broken = chain.verify_chain(rewritten, heads=published)
    assert (broken.position, broken.reason) == (3, chain.HEAD_MISSING)
    assert chain.verify_chain(original, heads=published) is None


def test_published_head_beyond_the_end_is_a_break():
    entries = _build(RECORDS)
    broken = chain.verify_chain(entries[:2], heads={4: entries[3]["entry_hash"]})
    assert (broken.position, broken.reason) == (4, chain.HEAD_MISSING)


def test_verify_from_a_checkpoint():
    entries = _build(RECORDS)
    assert chain.verify_chain(entries[2:], start_position=3, start_prev_hash=entries[1]["entry_hash"]) is None
    assert chain.verify_chain(entries[2:], start_position=3).reason == chain.PREV_MISMATCH


def test_entries_as_objects_without_records():
    head, objs = chain.GENESIS, []
    for position, (ref, record) in enumerate(RECORDS, start=1):
        objs.append(chain.make_entry(position=position, ref=ref, record=record, prev_hash=head))
        head = objs[-1].entry_hash
    assert chain.verify_chain(objs) is None
    assert "position 1" in str(chain.Break(1, "a", chain.LINK_BROKEN, "x"))


def test_heads_file_formats(tmp_path):
    from pbcity.management.commands.audit_verify import heads_read

    text = tmp_path / "heads.txt"
    text.write_text("# 2026-11-25\n12 aa\n\n# 2026-11-26\n30 bb\n")
    as_list = tmp_path / "heads.json"
    as_list.write_text('[{"position": 12, "hash": "aa"}, {"position": "30", "entry_hash": "bb"}]')
    as_dict = tmp_path / "heads2.json"
    as_dict.write_text('{"12": "aa", "30": "bb"}')
    assert heads_read(text) == heads_read(as_list) == heads_read(as_dict) == {12: "aa", 30: "bb"}
