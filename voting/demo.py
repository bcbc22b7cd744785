"""Demo data for the voting stage: exhibition comments and voters, then rounds and ballots."""
import importlib.util


def seed(ref):
    out = {}
    if importlib.util.find_spec("voting.demo_rounds"):
        from voting import demo_rounds

        out["rounds"] = demo_rounds.seed(ref)
    return out
