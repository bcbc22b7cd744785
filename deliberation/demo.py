"""Demo data for the deliberation stage: pre-meeting, stage-1 session and (W2) the drawn, scored panel."""
import importlib


def _seed_premeeting(ref):
    return {}


def _seed_stage1(ref, premeetings):
    return {}


def seed(ref):
    out = {"premeetings": _seed_premeeting(ref)}
    out["stage1"] = _seed_stage1(ref, out["premeetings"])
    try:
        panel = importlib.import_module("deliberation.demo_panel")
    except ModuleNotFoundError as exc:
        if exc.name != "deliberation.demo_panel":
            raise
    else:
        out["panel"] = panel.seed(ref)
    return out
