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
