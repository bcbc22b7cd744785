"""The demo cycle's kit: every decision matches, and one changed byte in any decision-bearing file makes
that decision differ, named (issue 21, item 3). The demo is the run's shared build (`demo_city`); the kit is
written once and verified 19 times: marked slow, run with `-m slow`."""
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command

from .kit import change_one_byte, rehash, verifier

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo_kit(tmp_path, demo_city):
    out = tmp_path / "kit"
    call_command("cycle_bundle", cycle=2026, out=str(out), stdout=io.StringIO())
    return out


def _verify(path) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = verifier().main([str(path)])
    return code, buf.getvalue()


def _copy(kit, tmp_path, name):
    dst = tmp_path / name
    shutil.copytree(kit, dst)
    return dst


def test_the_demo_kit_matches_and_names_every_changed_decision(demo_kit, tmp_path):
    files = json.loads((demo_kit / "manifest.json").read_text(encoding="utf-8"))["files"]
    kinds = {re.sub(r"-\d+", "-N", rel) for rel in files}
    assert {"assemblies/assembly-N.json", "panels/panel-N-draw-input.json", "panels/panel-N-draw-result.json",
            "panels/panel-N-scores.json", "rounds/round-N.json", "rounds/round-N.pb",
            "rounds/round-N-rules.json"} <= kinds

    # Standard library only, from the kit's own copy of the tools, in Python's isolated mode.
    run = subprocess.run([sys.executable, "-I", str(demo_kit / "tools" / "verify_cycle.py"), str(demo_kit)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines and all(ln.endswith(": match") or ": match (" in ln for ln in lines[:-1]), run.stdout
    for kind in ("pass results", "draw", "verdict on proposal", "board → tally", "admission", "rule comparison",
                 ".pb outcome", "manifest"):
        assert any(f" {kind}" in ln.split(": ")[0] or ln.startswith(f"{kind}:") for ln in lines), kind
    # The demo's Zhongshan 2026 assembly ties at rank K: its lot is reproduced from the committed seed.
    zhongshan = next(rel for rel in files if rel.startswith("assemblies/")
                     and json.loads((demo_kit / rel).read_text())["lot"])
    lot_doc = json.loads((demo_kit / zhongshan).read_text())
    assert lot_doc["assembly"]["lot_commitment"] == hashlib.sha256(lot_doc["assembly"]["lot_seed"].encode()).hexdigest()

    assembly_n = re.search(r"(\d+)", zhongshan).group(1)
    panel = sorted(rel for rel in files if rel.endswith("-scores.json"))[0]
    panel_n = re.search(r"(\d+)", panel).group(1)
    rnd = sorted(rel for rel in files if re.fullmatch(r"rounds/round-\d+\.json", rel))[0]
    round_n = re.search(r"(\d+)", rnd).group(1)
    # (file, a one-byte change that alters a decision's input or published outcome, the decision named)
    cases = [
        (zhongshan, r'"rank": (\d)', f"assembly {assembly_n} pass results"),
        (zhongshan, r'"lot_seed": "([0-9a-f])', f"assembly {assembly_n} pass results"),
        (panel.replace("-scores", "-draw-result"), r'"selected": \{\s*"advanced": \[\s*"P-([0-9A-F])',
         f"panel {panel_n} draw"),
        (panel.replace("-scores", "-draw-input"), r'"basic": \[\s*"P-([0-9A-F])', f"panel {panel_n} draw"),
        (panel, r'"budget_feasibility": "([gry])', f"panel {panel_n} verdict on proposal"),
        (rnd, r'"choices": \[\s*\[\s*(\d)', f"round {round_n} board → tally"),
        (rnd, r'"admitted": (t)rue', f"round {round_n} admission"),
        (rnd.replace(".json", ".pb"), r"VOTES\n[^\n]*\n\d+;(\d)", f"round {round_n} .pb outcome"),
        (rnd.replace(".json", "-rules.json"), r'"selected": \[\s*"(\d)', f"round {round_n} rule comparison"),
    ]
    for i, (rel, pattern, decision) in enumerate(cases):
        for forged in (False, True):
            kit = _copy(demo_kit, tmp_path, f"t{i}{int(forged)}")
            change_one_byte(kit / rel, pattern)
            if forged:
                rehash(kit)
            code, out = _verify(kit)
            assert code == 1, (rel, pattern, out)
            named = [ln for ln in out.splitlines() if ln.startswith(decision) and ": DIFFERS" in ln]
            assert named, (rel, pattern, forged, out)
            if not forged:
                assert "SHA-256 is not the manifest's" in named[0]
