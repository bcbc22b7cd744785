"""Writes for the cycle kit: the bundle directory and its manifest (docs/verification.md)."""
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .selectors import KIT, cycle_documents, json_bytes

# The standalone verifiers travel with the bundle, so it can be checked without the repository.
TOOLS = ("verify_cycle.py", "recount_vote.py", "recount_pb.py", "verify_panel_draw.py")


def bundle_write(*, cycle, out) -> dict:
    """Write every public decision file of `cycle` under `out`, the tools, and manifest.json (SHA-256 of
    every file). Returns {"manifest": its SHA-256, "files": count, "path": out}. `out` must be empty or new."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValidationError(_("The output directory must be new or empty: %(dir)s") % {"dir": out})
    files = cycle_documents(cycle=cycle)
    if not files:
        raise ValidationError(_("Cycle %(year)s has no closed assembly, drawn panel or counted round yet.")
                              % {"year": cycle.year})
    scripts = Path(settings.BASE_DIR) / "scripts"
    for name in TOOLS:
        files[f"tools/{name}"] = (scripts / name).read_bytes()
    for rel, content in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    manifest = {"kit": KIT, "cycle": cycle.year, "written_at": timezone.now().isoformat(timespec="seconds"),
                "files": {rel: hashlib.sha256(content).hexdigest() for rel, content in sorted(files.items())}}
    body = json_bytes(manifest)
    (out / "manifest.json").write_bytes(body)
    return {"manifest": hashlib.sha256(body).hexdigest(), "files": len(files), "path": str(out)}
