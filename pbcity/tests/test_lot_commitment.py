"""The committed tie lot ("pbcity-tie-lot" version 1, pbcity/lot.py) and its standard-library twin in
scripts/recount_vote.py: the same order from the same seed, whatever order the keys come in."""
import hashlib
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from pbcity import lot

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "recount_vote.py"
SEED = "ab" * 32


def _script():
    spec = importlib.util.spec_from_file_location("recount_vote_for_lot", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_commitment_is_the_sha256_of_the_seed_text():
    assert lot.seed_commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()
    assert lot.seed_commitment(SEED) != lot.seed_commitment("ab" * 31 + "ac")


def test_the_order_is_a_permutation_fixed_by_the_seed_not_by_the_keys_order():
    keys = [101, 7, 33, 5]
    order = lot.committed_order(SEED, keys)
    assert sorted(order) == sorted(keys)
    assert lot.committed_order(SEED, list(reversed(keys))) == order
    assert lot.committed_order(SEED, keys) == order  # deterministic
    # Another seed orders them differently for at least one of a few seeds.
    assert any(lot.committed_order(f"{i:064x}", keys) != order for i in range(5))


@pytest.mark.parametrize("keys", [[], [42]])
def test_no_or_one_key_needs_no_randomness(keys):
    assert lot.committed_order(SEED, keys) == keys


@pytest.mark.parametrize("seed, message", [("xyz" + "0" * 61, "not hexadecimal"), ("ab" * 16, "not 32 bytes"),
                                           ("", "not 32 bytes")])
def test_a_seed_that_is_not_32_bytes_of_hex_is_refused(seed, message):
    with pytest.raises(ValueError, match=message):
        lot.committed_order(seed, [1, 2])


def test_the_standalone_script_draws_the_same_order():
    script = _script()
    for i in range(40):
        seed = hashlib.sha256(str(i).encode()).hexdigest()
        keys = list(range(1, 2 + i % 7)) + [100 + i]
        assert script.tie_lot_order(seed, keys) == lot.committed_order(seed, keys)


def test_each_tied_key_wins_about_equally_often():
    first = Counter(lot.committed_order(hashlib.sha256(str(i).encode()).hexdigest(), ["a", "b", "c"])[0]
                    for i in range(3000))
    assert set(first) == {"a", "b", "c"} and all(800 < n < 1200 for n in first.values())


def test_the_seed_is_revealed_only_with_the_key_that_made_it(settings):
    settings.TIE_LOT_KEY = "first key"
    nonce, commitment = lot.lot_commit(subject="assembly:1")
    seed = lot.lot_reveal(subject="assembly:1", nonce=nonce, commitment=commitment)
    assert lot.seed_commitment(seed) == commitment and len(seed) == 64
    assert nonce not in seed  # the nonce alone (stored) does not give the seed
    with pytest.raises(ValueError, match="key changed"):
        lot.lot_reveal(subject="assembly:2", nonce=nonce, commitment=commitment)  # bound to its subject
    settings.TIE_LOT_KEY = "another key"
    with pytest.raises(ValueError, match="key changed"):
        lot.lot_reveal(subject="assembly:1", nonce=nonce, commitment=commitment)
