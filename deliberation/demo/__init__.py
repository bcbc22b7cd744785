"""Demo data of the deliberation stage: `premeeting` (pre-meetings, side tracks, stage 1) and `panel` (a drawn,
scored panel). Built through the services; a second run adds nothing."""
from . import panel, premeeting
from .premeeting import side_track

__all__ = ["seed", "side_track"]


def seed(ref):
    out = {"premeetings": premeeting.seed_premeeting(ref)}
    out["stage1"] = premeeting.seed_stage1(ref, out["premeetings"])
    out["panel"] = panel.seed(ref)
    return out
