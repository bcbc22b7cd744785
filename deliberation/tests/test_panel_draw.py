"""The draw is deterministic, committed, verifiable by the standalone script, and fair as published."""
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from deliberation import draw

VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_panel_draw.py"


def realistic_doc(n_basic=60, n_advanced=25, n_proposer=14):
    """Pool sizes like one district's card holders and the previous year's proposers elsewhere."""
    return draw.input_document(
        panel={"cycle": 2026, "district": "daan", "held_on": "2026-06-13"},
        pools={
            "basic": [f"B{i:04d}" for i in range(n_basic)],
            "advanced": [f"A{i:04d}" for i in range(n_advanced)],
            "proposer": [f"P{i:04d}" for i in range(n_proposer)],
        },
        quotas={"basic": 5, "advanced": 2, "proposer": 2},
        randomness={"source": "台灣彩券大樂透 2026-06-12 開獎號碼（六個號碼由小到大，以逗號分隔）",
                    "date": "2026-06-12"},
    )


def test_same_inputs_same_panel_and_distinct_members():
    doc = realistic_doc()
    a, b = draw.run(doc, "03,11,19,27,38,42"), draw.run(json.loads(json.dumps(doc)), " 03,11,19,27,38,42 ")
    assert a == b
    for seat_type, quota in doc["quotas"].items():
        order = a["selected"][seat_type] + a["alternates"][seat_type]
        assert len(a["selected"][seat_type]) == quota
        assert sorted(order) == sorted(doc["pools"][seat_type])  # a permutation: everyone once
    assert draw.run(doc, "03,11,19,27,38,43")["selected"] != a["selected"]


def test_changing_one_input_bit_changes_the_commitment():
    doc = realistic_doc()
    base = draw.commitment_of(doc)
    flipped = json.loads(json.dumps(doc))
    flipped["pools"]["basic"][7] = "B0006"[:-1] + chr(ord("7") ^ 1)  # "B0007" → "B0006": one bit
    assert flipped["pools"]["basic"][7] != doc["pools"]["basic"][7]
    assert draw.commitment_of(flipped) != base
    quota = json.loads(json.dumps(doc))
    quota["quotas"]["basic"] = 4
    assert draw.commitment_of(quota) != base
    source = json.loads(json.dumps(doc))
    source["randomness"]["date"] = "2026-06-13"
    assert draw.commitment_of(source) != base
    version = json.loads(json.dumps(doc))
    version["algorithm"]["version"] = "3"
    assert draw.commitment_of(version) != base


def test_small_pools_give_everyone_a_seat():
    doc = realistic_doc(n_basic=3, n_advanced=0, n_proposer=2)
    result = draw.run(doc, "1")
    assert sorted(result["selected"]["basic"]) == doc["pools"]["basic"] and result["alternates"]["basic"] == []
    assert result["selected"]["advanced"] == []
    assert result["probabilities"]["B0000"]["probability"] == "1/1"


def run_verifier(tmp_path, doc, result, *extra):
    (tmp_path / "draw-input.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    (tmp_path / "draw-result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(tmp_path / "draw-input.json"), str(tmp_path / "draw-result.json"),
         *extra], capture_output=True, text=True, timeout=30,
    )


def test_standalone_verifier_says_match(tmp_path):
    doc = realistic_doc()
    out = run_verifier(tmp_path, doc, draw.run(doc, "03,11,19,27,38,42"), "--random-value", "03,11,19,27,38,42")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[0] == "match"


def test_standalone_verifier_names_the_difference(tmp_path):
    doc = realistic_doc()
    result = draw.run(doc, "03,11,19,27,38,42")
    forged = json.loads(json.dumps(result))
    forged["selected"]["basic"][0], forged["alternates"]["basic"][0] = (
        forged["alternates"]["basic"][0], forged["selected"]["basic"][0])
    out = run_verifier(tmp_path, doc, forged)
    assert out.returncode == 1 and "selected[basic]" in out.stdout and "alternates[basic]" in out.stdout
    # the office typed another value than the source announced
    out = run_verifier(tmp_path, doc, result, "--random-value", "03,11,19,27,38,41")
    assert out.returncode == 1 and "random_value" in out.stdout and "seed" in out.stdout
    # a pool changed after the commitment was published
    tampered = json.loads(json.dumps(doc))
    tampered["pools"]["basic"].append("B9999")
    out = run_verifier(tmp_path, tampered, result)
    assert out.returncode == 1 and "commitment" in out.stdout


def test_verifier_imports_nothing_outside_the_standard_library():
    source = VERIFIER.read_text(encoding="utf-8")
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= set(sys.stdlib_module_names)


def test_one_thousand_draws_match_the_published_probabilities():
    """Each person's frequency over 1,000 draws lies within 4.5 standard errors of the published
    probability (a false alarm somewhere among 99 people has odds below 1 in 1,000; the random values
    are fixed, so the test is deterministic)."""
    doc = realistic_doc()
    runs = 1000
    counts = Counter()
    published = draw.run(doc, "published")["probabilities"]
    for k in range(runs):
        result = draw.run(doc, f"{k:04d}")
        for members in result["selected"].values():
            counts.update(members)
    worst = 0.0
    for pid, info in published.items():
        p = float(draw.exact(info["probability"]))
        se = math.sqrt(p * (1 - p) / runs)
        z = abs(counts[pid] / runs - p) / se
        worst = max(worst, z)
        assert z <= 4.5, (pid, counts[pid], p)
    # the published probabilities are the exact quota / pool size
    assert published["B0000"]["probability"] == "1/12"
    assert published["A0000"]["probability"] == "2/25"
    assert published["P0000"]["probability"] == "1/7"
    # seats are always filled: expected seats equal the quotas
    assert sum(counts.values()) == runs * 9
    assert worst > 0  # sanity: not a degenerate constant draw


@pytest.mark.parametrize("n", [1, 2, 3, 7, 1000])
def test_below_is_in_range(n):
    stream = draw.Stream(b"seed", "basic")
    assert all(0 <= stream.below(n) < n for _ in range(200))


@pytest.mark.parametrize("typed", ["07, 15,22 ,31", " 07 ,15 , 22,31 ", "０７，１５，２２，３１", "07,15,22,31"])
def test_the_random_value_is_hashed_in_its_normal_form(typed):
    """However the office typed the announced numbers, the same value gives the same seed and panel."""
    doc = realistic_doc()
    result = draw.run(doc, typed)
    assert result["random_value"] == "07,15,22,31"
    assert result == draw.run(doc, "07,15,22,31")


def test_version_1_documents_keep_their_normalisation(tmp_path):
    """Panels committed before version 2 still verify with what they hashed then."""
    doc = realistic_doc()
    doc["algorithm"]["version"] = "1"
    result = draw.run(doc, "07, 15,22 ,31")
    assert result["random_value"] == "07, 15,22 ,31"
    assert result["seed"] != draw.run(realistic_doc(), "07, 15,22 ,31")["seed"]
    out = run_verifier(tmp_path, doc, result)
    assert out.returncode == 0 and out.stdout.splitlines()[0] == "match"


def test_standalone_verifier_normalises_like_the_platform(tmp_path):
    doc = realistic_doc()
    out = run_verifier(tmp_path, doc, draw.run(doc, "07,15,22,31"), "--random-value", "０７, 15 ,22，31")
    assert out.returncode == 0, out.stdout + out.stderr
