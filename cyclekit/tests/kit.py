"""The standalone verifier, loaded from scripts/ as a module (it imports its sibling scripts)."""
import importlib.util
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def verifier():
    if "verify_cycle" not in sys.modules:
        spec = importlib.util.spec_from_file_location("verify_cycle", SCRIPTS / "verify_cycle.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["verify_cycle"] = module
        spec.loader.exec_module(module)
    return sys.modules["verify_cycle"]


NEXT = {b"0": b"1", b"1": b"2", b"2": b"3", b"3": b"4", b"4": b"5", b"5": b"6", b"6": b"7", b"7": b"8", b"8": b"9",
        b"9": b"8", b"a": b"b", b"b": b"c", b"c": b"d", b"d": b"e", b"e": b"f", b"f": b"a", b"g": b"G", b"r": b"R",
        b"y": b"Y"}


def change_one_byte(path, pattern, group=1):
    """Change the one byte where `group` of the first match of `pattern` starts (a digit or a letter)."""
    import re

    data = path.read_bytes()
    m = re.search(pattern.encode(), data)
    assert m, f"{pattern} not in {path.name}"
    i = m.start(group)
    path.write_bytes(data[:i] + NEXT.get(data[i:i + 1], b"0") + data[i + 1:])


def rehash(kit):
    """What a forger who rewrites the manifest too does: the recomputation must still catch the change."""
    import hashlib
    import json

    manifest = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
    for rel in manifest["files"]:
        manifest["files"][rel] = hashlib.sha256((kit / rel).read_bytes()).hexdigest()
    (kit / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
